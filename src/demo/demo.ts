import { isRetryError } from '../run/retry-error.js';
import type { Failure } from '../failure/failure.js';
import type { StopReason } from '../policy/decision.js';
import type { Policy } from '../policy/define-policy.js';
import { mwsPolicy } from '../policies/mws.js';
import { scraperPolicy } from '../policies/scraper.js';
import { spApiPolicy } from '../policies/sp-api.js';
import type { Clock } from '../run/clock.js';
import { scaledClock } from '../run/scaled-clock.js';
import { withRetry } from '../run/with-retry.js';
import { formatMs } from '../explain/describe-schedule.js';
import { startScriptedServer, type ScriptedAnswer } from './scripted-server.js';
import { mwsError, mwsOk, scraperError, scraperOk, spApiError, spApiOk } from './wire-formats.js';

type Api = 'mws' | 'scraper' | 'spapi';

/** One call of the demo: which API, which path, the server's faults, and what the API's documents say should happen. */
interface DemoCall {
  readonly api: Api;
  readonly path: string;
  readonly story: string;
  /** The answer to the n-th request (0-based), given the server's (virtual) time and a request id. */
  readonly answer: (n: number, now: number, requestId: string) => ScriptedAnswer;
  /** Each expected wait as [min, max] ms, from the API's documents (Amazon MWS, the Amazon Scraper API, Amazon SP-API). */
  readonly waits: readonly (readonly [number, number])[];
  readonly outcome: 'ok' | StopReason;
}

const ONE_SECOND_JITTER = 999; // the scraper's `+ Math.random() * 1000`, floored to whole ms
/**
 * A quota reset is read one HTTP round trip after the server wrote it, and that trip runs in
 * real time scaled up by the clock's speed: allow up to 10 virtual seconds for it (half a real
 * second at the default speed, for a loaded machine).
 */
const TRIP = 10_000;

const CALLS: readonly DemoCall[] = [
  {
    api: 'mws',
    path: '/Orders/2013-09-01?Action=ListOrders',
    story: 'a throttling burst',
    answer: (n, now, id) => (n < 2 ? mwsError(503, 'RequestThrottled', 'Request is throttled', { requestId: id, now }) : mwsOk(id, now)),
    waits: [
      [1000, 1000],
      [4000, 4000],
    ],
    outcome: 'ok',
  },
  {
    api: 'mws',
    path: '/Reports/2009-01-01?Action=GetReport',
    story: 'one internal error',
    answer: (n, now, id) => (n < 1 ? mwsError(500, 'InternalError', 'We encountered an internal error', { requestId: id, now }) : mwsOk(id, now)),
    waits: [[1000, 1000]],
    outcome: 'ok',
  },
  {
    api: 'mws',
    path: '/Feeds/2009-01-01?Action=SubmitFeed',
    story: 'a bad parameter',
    answer: (_n, now, id) => mwsError(400, 'InvalidParameterValue', 'Invalid FeedType', { requestId: id, now }),
    waits: [],
    outcome: 'not-retryable',
  },
  {
    api: 'mws',
    path: '/Products/2011-10-01?Action=GetMatchingProduct',
    story: 'the hourly quota, resetting in 45 s',
    answer: (n, now, id) =>
      n < 1 ? mwsError(503, 'QuotaExceeded', 'You exceeded your quota', { requestId: id, now, quotaResetsAt: now + 45_000 }) : mwsOk(id, now),
    waits: [[45_000 - TRIP, 45_000]],
    outcome: 'ok',
  },
  {
    api: 'mws',
    path: '/Orders/2013-09-01?Action=ListOrderItems',
    story: 'throttled for good',
    answer: (_n, now, id) => mwsError(503, 'RequestThrottled', 'Request is throttled', { requestId: id, now }),
    waits: [
      [1000, 1000],
      [4000, 4000],
      [10_000, 10_000],
      [30_000, 30_000],
    ],
    outcome: 'attempts-exhausted',
  },
  {
    api: 'scraper',
    path: '/v1/amazon/product?asin=B000000001',
    story: 'rate limited, Retry-After: 3',
    answer: (n, _now, id) => (n < 1 ? scraperError(429, 'rate_limited', 'You exceeded your per-key QPS', id, 3) : scraperOk('B000000001')),
    waits: [[3000, 3000 + ONE_SECOND_JITTER]],
    outcome: 'ok',
  },
  {
    api: 'scraper',
    path: '/v1/amazon/product?asin=B000000002',
    story: 'blocked by Amazon',
    answer: (n, _now, id) => (n < 1 ? scraperError(422, 'blocked_by_amazon', 'Amazon served a challenge page', id) : scraperOk('B000000002')),
    waits: [[60_000, 60_000 + ONE_SECOND_JITTER]],
    outcome: 'ok',
  },
  {
    api: 'scraper',
    path: '/v1/amazon/product?asin=B000000003',
    story: 'a dropped connection',
    answer: (n) => (n < 1 ? 'drop' : scraperOk('B000000003')),
    waits: [[2000, 2000 + ONE_SECOND_JITTER]],
    outcome: 'ok',
  },
  {
    api: 'scraper',
    path: '/v1/amazon/product?asin=B000000004',
    story: 'an ASIN redirected to another edition',
    answer: (_n, _now, id) => scraperError(502, 'asin_mismatch', 'Amazon redirected B000000004 to B000000099', id),
    waits: [],
    outcome: 'not-retryable',
  },
  {
    api: 'scraper',
    path: '/v1/amazon/product?asin=B000000005',
    story: 'two internal errors',
    answer: (n, _now, id) => (n < 2 ? scraperError(500, 'internal_error', 'Unhandled exception', id) : scraperOk('B000000005')),
    waits: [
      [5000, 5000 + ONE_SECOND_JITTER],
      [5000, 5000 + ONE_SECOND_JITTER],
    ],
    outcome: 'ok',
  },
  {
    api: 'spapi',
    path: '/orders/v0/orders/902-3159896-1390916',
    story: 'a 429 burst, x-amzn-RateLimit-Limit: 0.5',
    // Rate 0.5/s: the earliest sensible retry is 1/rate = 2 s later; jitter only adds to a hint.
    answer: (n, _now, id) => (n < 2 ? spApiError(429, 'QuotaExceeded', 'You exceeded your quota for the requested resource.', id, 0.5) : spApiOk(id, 0.5)),
    waits: [
      [2000, 2000],
      [2000, 2000],
    ],
    outcome: 'ok',
  },
  {
    api: 'spapi',
    path: '/feeds/2021-06-30/feeds',
    story: 'service unavailable, then ok',
    // Full jitter under 500 ms · 2^1.
    answer: (n, _now, id) => (n < 1 ? spApiError(503, 'ServiceUnavailable', 'Service temporarily unavailable or down for maintenance.', id) : spApiOk(id, 2)),
    waits: [[0, 999]],
    outcome: 'ok',
  },
  {
    api: 'spapi',
    path: '/catalog/2022-04-01/items/B000000006',
    story: 'invalid input',
    answer: (_n, _now, id) => spApiError(400, 'InvalidInput', 'Invalid Input', id, 2),
    waits: [],
    outcome: 'not-retryable',
  },
];

const POLICIES: Readonly<Record<Api, Policy>> = { mws: mwsPolicy, scraper: scraperPolicy, spapi: spApiPolicy };
/** How each fake server spells its request ids. */
const REQUEST_ID: Readonly<Record<Api, (n: number) => string>> = {
  mws: (n) => `mws-${String(n).padStart(4, '0')}`,
  scraper: (n) => `req_${n.toString(16).padStart(8, '0')}`,
  spapi: (n) => `${n.toString(16).padStart(8, '0')}-6ab5-11e8-b0f8-19363980175b`,
};

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** How much faster than real time the clock runs. @defaultValue 20 */
  readonly speed?: number;
  /** Where lines go. */
  readonly write: (line: string) => void;
  /** Whether to draw a live "sleeping" status line (a terminal). */
  readonly interactive?: boolean;
}

/**
 * The newcomer's demo: fake Amazon MWS, Amazon Scraper API and Amazon SP-API servers on 127.0.0.1 speaking those APIs'
 * wire formats, scripted faults, real `fetch` under `withRetry(mwsPolicy)`,
 * `withRetry(scraperPolicy)` and `withRetry(spApiPolicy)`, and a live timeline. Long waits run on a scaled clock. Returns
 * whether every call did what the APIs' documents say it should.
 */
export async function runDemo(options: DemoOptions): Promise<boolean> {
  const speed = options.speed ?? 20;
  const clock = scaledClock(speed);
  const start = clock.now();
  let requestIds = 0;
  const script = (api: Api) => {
    const byPath = new Map(CALLS.filter((c) => c.api === api).map((c) => [c.path, c]));
    return (path: string, n: number): ScriptedAnswer => {
      const call = byPath.get(path);
      const id = REQUEST_ID[api](++requestIds);
      return call === undefined ? { status: 404 } : call.answer(n, clock.now(), id);
    };
  };
  const servers = {
    mws: await startScriptedServer(script('mws')),
    scraper: await startScriptedServer(script('scraper')),
    spapi: await startScriptedServer(script('spapi')),
  };
  const status = new SleepingLine(options, clock, start);
  const at = (): string => `[+${((clock.now() - start) / 1000).toFixed(1).padStart(5)} s]`;
  options.write(
    `retry-table demo: ${CALLS.length} calls against fake Amazon MWS (${servers.mws.url}), Amazon Scraper API (${servers.scraper.url}) and Amazon SP-API (${servers.spapi.url}) servers; clock ×${speed}\n`,
  );

  try {
    const results = await Promise.all(
      CALLS.map(async (call) => {
        const policy = POLICIES[call.api];
        const label = `${call.api.padEnd(7)} ${shortPath(call.path).padEnd(28)}`;
        const waits: number[] = [];
        let attempts = 0;
        const line = (text: string): void => status.print(`${at()} ${label} ${text}`);
        const fetchOnce = withRetry(policy, {
          clock,
          onRetry: ({ attempt, failure, delayMs }) => {
            waits.push(delayMs);
            line(`attempt ${attempt}  ${describe(failure)}  → retry in ${formatMs(delayMs)}`);
            status.sleeping(call.path, clock.now() + delayMs);
          },
        })(() => {
          attempts++;
          status.awake(call.path);
          return fetch(`${servers[call.api].url}${call.path}`);
        });
        let outcome: 'ok' | StopReason;
        try {
          const response = await fetchOnce();
          await response.arrayBuffer();
          line(`attempt ${attempts}  ${response.status}  ✓ done`);
          outcome = 'ok';
        } catch (error) {
          if (!isRetryError(error)) throw error;
          const last = error.attempts[error.attempts.length - 1]!;
          line(`attempt ${last.attempt}  ${describe(last)}  ✗ RetryError: ${error.reason}`);
          outcome = error.reason;
        }
        return { call, waits, outcome };
      }),
    );
    status.clear();
    return report(results, options.write, clock.now() - start, speed);
  } finally {
    status.clear();
    await Promise.all([servers.mws.close(), servers.scraper.close(), servers.spapi.close()]);
  }
}

function report(
  results: readonly { call: DemoCall; waits: readonly number[]; outcome: 'ok' | StopReason }[],
  write: (line: string) => void,
  elapsedMs: number,
  speed: number,
): boolean {
  write(`\nwhat Amazon MWS, the Amazon Scraper API and Amazon SP-API document, and what happened (${formatMs(Math.round(elapsedMs))} of virtual time, ${formatMs(Math.round(elapsedMs / speed))} real):`);
  let allHeld = true;
  for (const { call, waits, outcome } of results) {
    const waitsHold = waits.length === call.waits.length && waits.every((ms, i) => ms >= call.waits[i]![0] && ms <= call.waits[i]![1]);
    const held = waitsHold && outcome === call.outcome;
    allHeld &&= held;
    const expected = call.waits.map(([min, max]) => (min === max ? formatMs(min) : `${formatMs(min)}–${formatMs(max)}`)).join(', ');
    const plan = expected === '' ? 'no retry' : `waits ${expected}`;
    write(`  ${held ? '✓' : '✗'} ${call.api.padEnd(7)} ${call.story.padEnd(38)} ${plan.padEnd(40)} then ${call.outcome}${held ? '' : `  (got waits ${waits.join(', ') || 'none'}, ${outcome})`}`);
  }
  write(allHeld ? '\nevery call behaved as its API\'s table says.' : '\nsome calls did not behave as their API\'s table says.');
  return allHeld;
}

function describe(failure: Failure): string {
  const what = failure.kind === 'http' ? `${failure.status} ${failure.code ?? ''}`.trim() : `${failure.kind} ${failure.code ?? ''}`.trim();
  return failure.requestId === undefined ? what : `${what}  id=${failure.requestId}`;
}

function shortPath(path: string): string {
  const action = /Action=(\w+)/.exec(path)?.[1];
  const asin = /asin=(\w+)/.exec(path)?.[1];
  return action ?? (asin ? `product ${asin}` : path);
}

/** The live "who is sleeping" line at the bottom of a terminal; absent when not interactive. */
class SleepingLine {
  private readonly wakeAt = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly options: DemoOptions,
    private readonly clock: Clock,
    private readonly start: number,
  ) {}

  print(line: string): void {
    this.erase();
    this.options.write(line);
    this.draw();
  }

  sleeping(path: string, until: number): void {
    this.wakeAt.set(path, until);
    if (this.options.interactive && this.timer === undefined) this.timer = setInterval(() => this.redraw(), 200);
    this.draw();
  }

  awake(path: string): void {
    this.wakeAt.delete(path);
    this.redraw();
  }

  clear(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.erase();
  }

  private redraw(): void {
    this.erase();
    this.draw();
  }

  private erase(): void {
    if (this.options.interactive) process.stdout.write('\r\x1b[K');
  }

  private draw(): void {
    if (!this.options.interactive || this.wakeAt.size === 0) return;
    const now = this.clock.now();
    const next = Math.min(...this.wakeAt.values());
    const spinner = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏'[Math.floor((now - this.start) / 2000) % 10];
    process.stdout.write(`${spinner} ${this.wakeAt.size} call${this.wakeAt.size === 1 ? '' : 's'} sleeping, next wakes in ${formatMs(Math.max(0, Math.round((next - now) / 100) * 100))}`);
  }
}
