// The browser page of test/browser/browser.test.ts, bundled by esbuild for --platform=browser from
// the core entry's source: withRetry and retry around the browser's own fetch, against the API
// server named by ?api=. It writes what happened into the DOM (#result) and window.__result.
import { channels, isRetryError, retry, scraperPolicy, withRetry } from '../../src/index.js';

/** What the page reports: one entry per scenario, or the error that broke the page. */
export interface PageResult {
  readonly environment: { readonly hasProcess: boolean; readonly publishes: boolean };
  readonly recovered: {
    readonly status: number;
    readonly body: unknown;
    readonly retries: readonly { attempt: number; status?: number; code?: string; requestId?: string; retryAfterMs?: number; delayMs: number; rule: string }[];
  };
  readonly gaveUp: {
    readonly isRetryError: boolean;
    readonly reason?: string;
    readonly attempts?: readonly { status?: number; code?: string; requestId?: string; message?: string }[];
  };
  readonly error?: string;
}

const api = new URLSearchParams(location.search).get('api') ?? '';

async function run(): Promise<PageResult> {
  const retries: PageResult['recovered']['retries'][number][] = [];
  // No jitter: with Retry-After: 0 every wait is 0 ms, so the test takes no time.
  const getProduct = withRetry(scraperPolicy, {
    random: () => 0,
    onRetry: ({ attempt, failure, delayMs, decision }) =>
      retries.push({ attempt, status: failure.status, code: failure.code, requestId: failure.requestId, retryAfterMs: failure.retryAfterMs, delayMs, rule: decision.rule.id }),
  })((asin: string) => fetch(`${api}/products/${asin}`));
  const response = await getProduct('B000000001');

  let gaveUp: PageResult['gaveUp'];
  try {
    await retry(scraperPolicy, (ctx) => fetch(`${api}/always-limited`, { signal: ctx.signal }), { random: () => 0 });
    gaveUp = { isRetryError: false };
  } catch (error) {
    gaveUp = isRetryError(error)
      ? { isRetryError: true, reason: error.reason, attempts: error.attempts.map(({ status, code, requestId, message }) => ({ status, code, requestId, message })) }
      : { isRetryError: false, reason: String(error) };
  }

  return {
    environment: { hasProcess: typeof (globalThis as { process?: unknown }).process !== 'undefined', publishes: channels.attempt.hasSubscribers },
    recovered: { status: response.status, body: await response.json(), retries },
    gaveUp,
  };
}

function report(result: PageResult | { error: string }): void {
  (window as unknown as { __result: unknown }).__result = result;
  document.getElementById('result')!.textContent = JSON.stringify(result);
}

run().then(report, (error: unknown) => report({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }));
