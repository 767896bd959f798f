import { afterEach, describe, expect, it } from 'vitest';
import { isRetryError, mwsPolicy, retry, scraperPolicy, TestClock, withRetry } from '../../src/index.js';
import { mwsErrorXml, scraperErrorJson } from '../support/seed-bodies.js';
import { fromLists, startScriptedServer } from '../../src/demo/scripted-server.js';
import { refusedPort } from '../support/local-server.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('real fetch against a local node:http server', () => {
  it('retries a 429 after its Retry-After, then returns the 200 unread', async () => {
    const server = await startScriptedServer(
      fromLists({
        '/product': [
          { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '3' }, body: scraperErrorJson('rate_limited', 'slow down', 'req_a') },
          { status: 200, headers: { 'content-type': 'application/json' }, body: '{"asin":"B000000001"}' },
        ],
      }),
    );
    close = server.close;
    const clock = new TestClock();
    const journal: unknown[] = [];
    const response = await clock.run(
      retry(scraperPolicy, (ctx) => fetch(`${server.url}/product`, { signal: ctx.signal }), {
        clock,
        random: () => 0,
        onRetry: ({ failure, delayMs }) => journal.push({ code: failure.code, requestId: failure.requestId, retryAfterMs: failure.retryAfterMs, delayMs }),
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ asin: 'B000000001' });
    expect(server.requests).toHaveLength(2);
    expect(journal).toEqual([{ code: 'rate_limited', requestId: 'req_a', retryAfterMs: 3000, delayMs: 3000 }]);
    expect(clock.sleeps).toEqual([3000]);
  });

  it('reads MWS XML errors and headers off the wire and gives up after the seed spacing', async () => {
    const server = await startScriptedServer(
      fromLists({
        '/Orders/2013-09-01': [
          {
            status: 503,
            headers: { 'content-type': 'text/xml', 'x-mws-request-id': 'rid-wire', 'x-mws-timestamp': '2024-01-10T00:00:00.000Z' },
            body: mwsErrorXml('RequestThrottled', 'Request is throttled', 'rid-wire'),
          },
        ],
      }),
    );
    close = server.close;
    const clock = new TestClock();
    const call = withRetry(mwsPolicy, { clock })((path: string) => fetch(`${server.url}${path}`));
    const error = await clock.run(call('/Orders/2013-09-01')).catch((e: unknown) => e);
    expect(isRetryError(error)).toBe(true);
    if (!isRetryError(error)) return;
    expect(error.reason).toBe('attempts-exhausted');
    expect(clock.sleeps).toEqual([1000, 4000, 10_000, 30_000]);
    expect(error.attempts.map((a) => [a.status, a.code, a.requestId, a.timestamp])).toEqual(
      Array(5).fill([503, 'RequestThrottled', 'rid-wire', '2024-01-10T00:00:00.000Z']),
    );
    expect(server.requests.map((r) => r.path)).toEqual(Array(5).fill('/Orders/2013-09-01'));
    // The last Response is the cause, its body still readable.
    expect(await (error.cause as Response).text()).toContain('RequestThrottled');
  });

  it('classifies a refused connection as a network failure and retries it', async () => {
    const port = await refusedPort();
    const clock = new TestClock();
    const error = await clock.run(retry(scraperPolicy, (ctx) => fetch(`http://127.0.0.1:${port}/`, { signal: ctx.signal }), { clock, random: () => 0 })).catch(
      (e: unknown) => e,
    );
    expect(isRetryError(error)).toBe(true);
    if (!isRetryError(error)) return;
    expect(error.reason).toBe('attempts-exhausted');
    expect(error.attempts.map((a) => [a.kind, a.code])).toEqual(Array(4).fill(['network', 'ECONNREFUSED']));
    expect(clock.sleeps).toEqual([2000, 4000, 8000]); // the canonical loop: 2^attempt · 1000
    expect((error.cause as Error).message).toBe('fetch failed');
  });
});
