import { build, type Plugin } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

/**
 * The core entry as one ESM file, as tsup ships it (dist/index.js): inside one file
 * `sideEffects: false` drops nothing, so a prebuilt policy a user does not import is dropped only
 * when its statement is provably free of effects: a `/* @__PURE__ *\/` call on plain data.
 */
let flat: string;

beforeAll(async () => {
  const built = await build({ entryPoints: [`${root}src/index.ts`], bundle: true, format: 'esm', platform: 'neutral', target: 'node20', write: false, logLevel: 'silent' });
  flat = built.outputFiles[0]!.text;
}, 30_000);

/** Resolves `retry-table` to the flat file. */
const flatPackage = (): Plugin => ({
  name: 'flat-retry-table',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^retry-table$/ }, () => ({ path: 'retry-table', namespace: 'flat' }));
    esbuild.onLoad({ filter: /.*/, namespace: 'flat' }, () => ({ contents: flat, loader: 'js' }));
  },
});

async function bundled(source: string): Promise<string> {
  const built = await build({ stdin: { contents: source, loader: 'js' }, bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent', plugins: [flatPackage()] });
  return built.outputFiles[0]!.text;
}

async function bundledPolicyNames(source: string): Promise<string[]> {
  return [...(await bundled(source)).matchAll(/\bname: "(mws|scraper|spapi)"/g)].map((match) => match[1]!).sort();
}

describe('each prebuilt policy is tree-shakeable on its own', () => {
  it.each([
    ['mwsPolicy', 'mws'],
    ['scraperPolicy', 'scraper'],
    ['spApiPolicy', 'spapi'],
  ])('importing withRetry and %s bundles that policy alone', async (exported, name) => {
    expect(await bundledPolicyNames(`import { withRetry, ${exported} } from 'retry-table'; export const call = withRetry(${exported})((url) => fetch(url));`)).toEqual([name]);
  });

  it('importing withRetry alone bundles no policy', async () => {
    expect(await bundledPolicyNames(`import { withRetry } from 'retry-table'; export const wrap = withRetry;`)).toEqual([]);
  });

  it('the whole entry bundles all three (the check sees them when they are there)', async () => {
    expect(await bundledPolicyNames(`import * as rt from 'retry-table'; export const all = rt;`)).toEqual(['mws', 'scraper', 'spapi']);
  });
});

describe('a prebuilt policy does not bring the row checks of the spec validator', () => {
  /** A message only validatePolicySpec's row checks hold. */
  const ROW_CHECK = 'duplicates the match of rule';

  it('withRetry + mwsPolicy: not bundled (its with() checks the policy-level fields only)', async () => {
    const code = await bundled(`import { withRetry, mwsPolicy } from 'retry-table'; export const call = withRetry(mwsPolicy)((url) => fetch(url)); export const tuned = mwsPolicy.with({ jitter: 'equal' });`);
    expect(code).not.toContain(ROW_CHECK);
    expect(code).toContain('must be an integer from 1 to');
  });

  it('definePolicy: bundled', async () => {
    expect(await bundled(`import { definePolicy } from 'retry-table'; export const define = definePolicy;`)).toContain(ROW_CHECK);
  });
});

describe('a prebuilt policy bundles only the readers it names', () => {
  /** Text only these modules hold: the structured-field parser, the IETF RateLimit reader, the X-RateLimit and other vendors' readers, the SP-API clients' error classes, the checks of a user's readers, the composite row lookup. */
  const FOREIGN = {
    'structured-fields': 'malformed structured field',
    'ietf-ratelimit': '"ratelimit-policy"',
    'x-ratelimit': '"x-ratelimit-remaining"',
    'stripe-should-retry': '"stripe-should-retry"',
    'grpc-pushback': '"grpc-retry-pushback-ms"',
    'sp-api-clients': '"SellingPartnerTooManyRequestsError"',
    // The checks of a user's readers: a policy without readers of its own needs none of them.
    'checked-readers': 'function checkedQuota(',
    // The lookup of rows that combine match fields: no prebuilt table has one.
    'composite-rows': 'CompositeRows',
  };
  const foreignIn = (code: string): string[] => Object.entries(FOREIGN).flatMap(([module, marker]) => (code.includes(marker) ? [module] : []));

  it('withRetry + mwsPolicy: no structured-field parser, no IETF RateLimit, X-RateLimit, Stripe, gRPC or SP-API client reader; the MWS ones are there', async () => {
    const code = await bundled(`import { withRetry, mwsPolicy } from 'retry-table'; export const call = withRetry(mwsPolicy)((url) => fetch(url));`);
    expect(foreignIn(code)).toEqual([]);
    expect(code).toContain('"x-mws-quota-max"');
    expect(code).toContain('"x-mws-request-id"');
  });

  it('withRetry + scraperPolicy: none of them either', async () => {
    const code = await bundled(`import { withRetry, scraperPolicy } from 'retry-table'; export const call = withRetry(scraperPolicy)((url) => fetch(url));`);
    expect(foreignIn(code)).toEqual([]);
    expect(code).toContain('"retry-after"');
  });

  it('withRetry + spApiPolicy: only the SP-API client packages\' error classes, which it reads', async () => {
    const code = await bundled(`import { withRetry, spApiPolicy } from 'retry-table'; export const call = withRetry(spApiPolicy)((url) => fetch(url));`);
    expect(foreignIn(code)).toEqual(['sp-api-clients']);
    expect(code).toContain('"x-amzn-ratelimit-limit"');
  });

  it('definePolicy bundles every one of them (the check sees them when they are there)', async () => {
    const code = await bundled(`import { withRetry, definePolicy } from 'retry-table'; export const call = (spec) => withRetry(definePolicy(spec))((url) => fetch(url));`);
    expect(foreignIn(code)).toEqual(Object.keys(FOREIGN));
  });
});
