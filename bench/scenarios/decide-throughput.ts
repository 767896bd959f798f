import { do_not_optimize } from 'mitata';
import { match, P } from 'ts-pattern';
import { mwsPolicy, scraperPolicy, type CompiledRule, type Failure, type Policy } from '../retry-table.js';
import { medianNs, SMOKE, withGoal, type ResultRow } from '../measure.js';

/** A mix of failures that hit rows by code, by status, by class, by kind, and miss every row. */
const FAILURES: readonly Failure[] = [
  { kind: 'http', status: 503, code: 'RequestThrottled' },
  { kind: 'http', status: 500, code: 'InternalError' },
  { kind: 'http', status: 400, code: 'InvalidParameterValue' },
  { kind: 'http', status: 429, code: 'rate_limited', retryAfterMs: 3000 },
  { kind: 'http', status: 502, code: 'asin_mismatch' },
  { kind: 'http', status: 504 },
  { kind: 'http', status: 418, code: 'teapot' },
  { kind: 'network', code: 'ECONNRESET' },
  { kind: 'timeout' },
  { kind: 'unknown' },
  { kind: 'http', status: 503, code: 'capacity', retryAfterMs: 1000 },
  { kind: 'http', status: 422, code: 'blocked_by_amazon' },
  { kind: 'http', status: 500 },
  { kind: 'http', status: 401, code: 'revoked' },
  { kind: 'http', status: 409 },
  { kind: 'abort' },
];

/**
 * The naive alternative to compiling a table: a ts-pattern chain over the same rows, built and
 * run per failure, as code that writes the table as one big `match` would.
 */
function naiveMatch(policy: Policy): (failure: Failure) => CompiledRule | undefined {
  const tests = policy.rules.map((rule) => {
    const codes = rule.match.code === undefined ? undefined : [rule.match.code].flat();
    const statuses = rule.match.status === undefined ? undefined : [rule.match.status].flat();
    const kinds = rule.match.kind === undefined ? undefined : [rule.match.kind].flat();
    const test = (f: Failure): boolean =>
      (codes === undefined || (f.code !== undefined && codes.includes(f.code))) &&
      (kinds === undefined || kinds.includes(f.kind)) &&
      (statuses === undefined ||
        (f.status !== undefined && statuses.some((s) => (typeof s === 'number' ? s === f.status : s[0] === String(f.status)[0]))));
    return [rule, test] as const;
  });
  return (failure) =>
    tests
      .reduce(
        (chain, [rule, test]) => chain.with(P.when(test), () => rule as CompiledRule | undefined),
        match<Failure, CompiledRule | undefined>(failure),
      )
      .otherwise(() => undefined);
}

/** Rounds of scenario 3 in a full run; the README's figure is their median. */
const DECIDE_ROUNDS = 7;

/** Scenario 3: decisions per second on the prebuilt policies, and what compiling the table buys. */
export async function decideThroughput(): Promise<ResultRow[]> {
  const policies = [mwsPolicy, scraperPolicy];
  const naive = policies.map(naiveMatch);
  let i = 0;
  const state = { attempt: 2, random: 0.3 };
  // More rounds than the ratio scenarios' 3: an absolute time has no baseline in the same round
  // to cancel the machine's drift, and on this shared machine a neighbour can double a round.
  const rounds = SMOKE ? 1 : DECIDE_ROUNDS;
  const compiled: number[] = [];
  const lookup: number[] = [];
  const naiveRuns: number[] = [];
  for (let round = 0; round < rounds; round++) {
    compiled.push(
      await medianNs(() => {
        const failure = FAILURES[i++ & 15]!;
        do_not_optimize(policies[i & 1]!.decide(failure, state));
      }),
    );
    lookup.push(
      await medianNs(() => {
        const failure = FAILURES[i++ & 15]!;
        do_not_optimize(policies[i & 1]!.match(failure));
      }),
    );
    naiveRuns.push(
      await medianNs(() => {
        const failure = FAILURES[i++ & 15]!;
        do_not_optimize(naive[i & 1]!(failure));
      }),
    );
  }
  const middle = (values: number[]): number => values.sort((x, y) => x - y)[values.length >> 1]!;
  const range = (values: number[]): string | undefined => (values.length < 2 ? undefined : `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)} ns`);
  const compiledNs = middle([...compiled]);
  const lookupNs = middle([...lookup]);
  const naiveNs = middle([...naiveRuns]);
  const scenario = '3. decide() throughput (mws + scraper, hits and misses)';
  const perSecond = (ns: number): string => `${(1e9 / ns / 1e6).toFixed(1)} M decisions/s${SMOKE ? '' : `; median of ${rounds} rounds`}`;
  const rows: ResultRow[] = [
    { scenario, contender: 'retry-table decide() (row lookup + schedule + jitter)', medianNs: compiledNs, ratio: 1, spread: range(compiled), note: perSecond(compiledNs) },
    { scenario, contender: 'retry-table row lookup only (compiled maps)', medianNs: lookupNs, ratio: lookupNs / compiledNs, spread: range(lookup), note: perSecond(lookupNs) },
    { scenario, contender: 'naive linear ts-pattern match, row lookup only', medianNs: naiveNs, ratio: naiveNs / compiledNs, spread: range(naiveRuns), note: perSecond(naiveNs) },
  ];
  return [...withGoal(rows.slice(0, 1), { maxNs: 45 }), ...rows.slice(1)];
}
