import diagnostics_channel from 'node:diagnostics_channel';
import { context, diag, DiagLogLevel, SpanStatusCode, trace, type Attributes, type TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ATTEMPT_EVENT_NAME, ATTRIBUTE_NAMES as A, instrumentRetryTable, METRIC_NAMES } from '../../src/adapters/otel.js';
import { fromLists, startScriptedServer, type ScriptedAnswer, type ScriptedServer } from '../../src/demo/scripted-server.js';
import { channels, isOptionsError, isRetryError, mwsPolicy, retry, scraperPolicy, TestClock, withRetry, type RetryError } from '../../src/index.js';
import { mwsErrorXml, scraperErrorJson } from '../support/seed-bodies.js';

// Spans must find the caller's span across awaits, as they do under the Node SDK.
const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => void context.setGlobalContextManager(contextManager.enable()));
afterAll(() => void context.disable());

let spans: InMemorySpanExporter;
let tracerProvider: BasicTracerProvider;
let metricExporter: InMemoryMetricExporter;
let reader: PeriodicExportingMetricReader;
let meterProvider: MeterProvider;
let stop: (() => void) | undefined;
let server: ScriptedServer | undefined;

beforeEach(() => {
  spans = new InMemorySpanExporter();
  tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Read on demand (forceFlush), never on a timer.
  reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  meterProvider = new MeterProvider({ readers: [reader] });
});

afterEach(async () => {
  stop?.();
  stop = undefined;
  await server?.close();
  server = undefined;
  await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
});

function instrument(options: { spanEveryCall?: boolean; tracerProvider?: TracerProvider } = {}): void {
  stop = instrumentRetryTable({ tracerProvider, meterProvider, ...options });
}

/** The data points of one metric, as plain [attributes, value] pairs. */
async function points(name: string): Promise<[Attributes, DataPoint<number | Histogram>['value']][]> {
  await reader.forceFlush();
  const last = metricExporter.getMetrics().at(-1);
  const metric = last?.scopeMetrics.flatMap((scope) => scope.metrics).find((m) => m.descriptor.name === name);
  return (metric?.dataPoints ?? []).map((point) => [point.attributes, point.value as number | Histogram]);
}

function attemptEvents(span: ReadableSpan): Attributes[] {
  return span.events.filter((event) => event.name === ATTEMPT_EVENT_NAME).map((event) => event.attributes ?? {});
}

/** What a span's attempt events say, in the journal's terms. */
function asJournal(span: ReadableSpan): unknown[] {
  return attemptEvents(span).map((a) => ({
    attempt: a[A.attempt],
    status: a[A.statusCode],
    code: a[A.failureCode],
    requestId: a[A.requestId],
    action: a[A.decision],
    delayMs: a[A.delayMs],
    reason: a[A.stopReason],
    rule: a[A.rule],
  }));
}

function fromRetryError(error: RetryError): unknown[] {
  return error.attempts.map(({ attempt, status, code, requestId, action, delayMs, reason, rule }) => ({ attempt, status, code, requestId, action, delayMs, reason, rule }));
}

const throttled = (requestId: string): ScriptedAnswer => ({
  status: 503,
  headers: { 'content-type': 'text/xml', 'x-mws-request-id': requestId },
  body: mwsErrorXml('RequestThrottled', 'Request is throttled', requestId),
});

describe('retry-table/otel: spans', () => {
  it('records a call that gives up as one span whose attempt events match the RetryError journal', async () => {
    instrument();
    server = await startScriptedServer(fromLists({ '/orders': ['rid-1', 'rid-2', 'rid-3', 'rid-4', 'rid-5'].map(throttled) }));
    const clock = new TestClock();
    const call = withRetry(mwsPolicy, { clock })((url: string) => fetch(url));
    const error = await clock.run(call(`${server.url}/orders`)).catch((e: unknown) => e);
    if (!isRetryError(error)) throw error;

    const [span, ...others] = spans.getFinishedSpans();
    expect(others).toEqual([]);
    expect(span!.name).toBe('retry mws');
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: error.message });
    expect(span!.attributes).toMatchObject({
      [A.policy]: 'mws',
      [A.attempts]: 5,
      [A.resendCount]: 4,
      [A.outcome]: 'gave-up',
      [A.stopReason]: 'attempts-exhausted',
      [A.errorType]: '503',
      [A.statusCode]: 503,
      [A.requestId]: 'rid-5',
      [A.totalDelayMs]: 45_000,
    });
    expect(error.attempts).toHaveLength(5);
    expect(asJournal(span!)).toEqual(fromRetryError(error));
    expect(attemptEvents(span!).map((a) => [a[A.resendCount], a[A.errorType]])).toEqual([
      [undefined, '503'],
      [1, '503'],
      [2, '503'],
      [3, '503'],
      [4, '503'],
    ]);
  });

  it('records a call that recovers: the failed attempt with its Retry-After and request id, then the success, status unset', async () => {
    instrument();
    server = await startScriptedServer(
      fromLists({
        '/product': [
          { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '3' }, body: scraperErrorJson('rate_limited', 'slow down', 'req_1') },
          { status: 200, headers: { 'content-type': 'application/json' }, body: '{"asin":"B000000001"}' },
        ],
      }),
    );
    const clock = new TestClock();
    const response = await clock.run(retry(scraperPolicy, (ctx) => fetch(`${server!.url}/product`, { signal: ctx.signal }), { clock, random: () => 0 }));
    expect(response.status).toBe(200);

    const [span] = spans.getFinishedSpans();
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.attributes).toMatchObject({ [A.attempts]: 2, [A.resendCount]: 1, [A.outcome]: 'succeeded', [A.totalDelayMs]: 3000 });
    expect(span!.attributes[A.errorType]).toBeUndefined();
    expect(attemptEvents(span!)).toEqual([
      {
        [A.attempt]: 1,
        [A.errorType]: '429',
        [A.statusCode]: 429,
        [A.failureKind]: 'http',
        [A.failureCode]: 'rate_limited',
        [A.requestId]: 'req_1',
        [A.retryAfterMs]: 3000,
        [A.decision]: 'retry',
        [A.rule]: expect.any(String),
        [A.delayMs]: 3000,
        [A.delaySource]: 'retry-after',
      },
      { [A.attempt]: 2, [A.resendCount]: 1 },
    ]);
  });

  it('records no span for a first attempt that succeeds unless spanEveryCall, and counts it either way', async () => {
    instrument();
    await withRetry(mwsPolicy)(async () => 'ok')();
    expect(spans.getFinishedSpans()).toEqual([]);
    stop!();
    instrument({ spanEveryCall: true });
    await withRetry(mwsPolicy)(async () => 'ok')();
    expect(spans.getFinishedSpans().map((s) => [s.name, s.attributes[A.attempts], s.attributes[A.outcome], s.events.length])).toEqual([['retry mws', 1, 'succeeded', 1]]);
    expect(await points(METRIC_NAMES.attempts)).toEqual([[{ [A.policy]: 'mws' }, 2]]);
  });

  it('makes the span a child of the span active where the call runs', async () => {
    instrument();
    const tracer = tracerProvider.getTracer('test');
    const clock = new TestClock();
    let calls = 0;
    const call = withRetry(mwsPolicy, { clock })(async () => {
      if (++calls === 1) throw Object.assign(new Error('throttled'), { status: 503, code: 'RequestThrottled' });
      return 'ok';
    });
    await tracer.startActiveSpan('handle request', async (parent) => {
      await clock.run(call());
      parent.end();
    });
    const retrySpan = spans.getFinishedSpans().find((s) => s.name === 'retry mws')!;
    const parent = spans.getFinishedSpans().find((s) => s.name === 'handle request')!;
    expect(retrySpan.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(retrySpan.spanContext().traceId).toBe(parent.spanContext().traceId);
  });

  it('keeps concurrent calls of one policy apart when each runs in its own context', async () => {
    instrument();
    const lists: Record<string, ScriptedAnswer[]> = {};
    for (let i = 0; i < 20; i++) lists[`/c${i}`] = [throttled(`c${i}-a`), throttled(`c${i}-b`), { status: 200, body: 'ok' }];
    server = await startScriptedServer(fromLists(lists));
    const tracer = tracerProvider.getTracer('test');
    const clock = new TestClock();
    const call = withRetry(mwsPolicy, { clock, random: () => Math.random() })((url: string) => fetch(url));
    const all = Promise.all(
      Object.keys(lists).map((path) =>
        tracer.startActiveSpan(path, async (parent) => {
          const response = await call(`${server!.url}${path}`);
          parent.end();
          return response.status;
        }),
      ),
    );
    expect(await clock.run(all)).toEqual(Array(20).fill(200));
    const retrySpans = spans.getFinishedSpans().filter((s) => s.name === 'retry mws');
    expect(retrySpans).toHaveLength(20);
    for (const span of retrySpans) {
      const path = spans.getFinishedSpans().find((s) => s.spanContext().spanId === span.parentSpanContext?.spanId)!.name;
      const name = path.slice(1);
      expect(attemptEvents(span).map((a) => a[A.requestId])).toEqual([`${name}-a`, `${name}-b`, undefined]);
    }
  });

  it('matches every give-up to its own journal even when alike calls share one context', async () => {
    instrument();
    const lists: Record<string, ScriptedAnswer[]> = {};
    for (let i = 0; i < 10; i++) lists[`/g${i}`] = [1, 2, 3, 4, 5].map((n) => throttled(`g${i}-${n}`));
    server = await startScriptedServer(fromLists(lists));
    const clock = new TestClock();
    const call = withRetry(mwsPolicy, { clock })((url: string) => fetch(url));
    const errors = (await clock.run(Promise.all(Object.keys(lists).map((path) => call(`${server!.url}${path}`).catch((e: unknown) => e as RetryError))))) as RetryError[];
    const retrySpans = spans.getFinishedSpans();
    expect(retrySpans).toHaveLength(10);
    for (const error of errors) {
      const span = retrySpans.find((s) => s.attributes[A.requestId] === error.failure.requestId)!;
      expect(asJournal(span)).toEqual(fromRetryError(error));
    }
  });

  it('ties attempts by the call id once the payloads carry one (two alike calls interleaved in one context)', () => {
    instrument();
    const failure = (requestId: string) => ({ kind: 'http' as const, status: 503, requestId });
    const [a1, b1, a2, b2] = [failure('a1'), failure('b1'), failure('a2'), failure('b2')];
    const publish = (channel: string, event: object) => diagnostics_channel.channel(channel).publish(event);
    publish('retry-table:attempt', { policy: 'p', attempt: 1, ok: false, failure: a1, callId: 'A' });
    publish('retry-table:retry', { policy: 'p', attempt: 1, failure: a1, delayMs: 100, rule: 'r', source: 'schedule', callId: 'A' });
    publish('retry-table:attempt', { policy: 'p', attempt: 1, ok: false, failure: b1, callId: 'B' });
    // B is due first, but the ids say which call each attempt belongs to.
    publish('retry-table:retry', { policy: 'p', attempt: 1, failure: b1, delayMs: 1, rule: 'r', source: 'schedule', callId: 'B' });
    publish('retry-table:attempt', { policy: 'p', attempt: 2, ok: false, failure: a2, callId: 'A' });
    publish('retry-table:retry', { policy: 'p', attempt: 2, failure: a2, delayMs: 100, rule: 'r', source: 'schedule', callId: 'A' });
    publish('retry-table:attempt', { policy: 'p', attempt: 2, ok: false, failure: b2, callId: 'B' });
    publish('retry-table:retry', { policy: 'p', attempt: 2, failure: b2, delayMs: 1, rule: 'r', source: 'schedule', callId: 'B' });
    publish('retry-table:attempt', { policy: 'p', attempt: 3, ok: true, callId: 'B' });
    publish('retry-table:attempt', { policy: 'p', attempt: 3, ok: true, callId: 'A' });
    const byCall = spans.getFinishedSpans().map((span) => attemptEvents(span).map((a) => a[A.requestId] ?? 'ok'));
    expect(byCall).toEqual([
      ['b1', 'b2', 'ok'],
      ['a1', 'a2', 'ok'],
    ]);
  });
});

describe('retry-table/otel: metrics', () => {
  it('counts attempts, retries and give-ups and records the delays, matching the RetryError journal', async () => {
    instrument();
    server = await startScriptedServer(fromLists({ '/orders': [throttled('rid-1')] }));
    const clock = new TestClock();
    const error = (await clock.run(withRetry(mwsPolicy, { clock })(() => fetch(`${server!.url}/orders`))().catch((e: unknown) => e))) as RetryError;
    expect(isRetryError(error)).toBe(true);
    const failed = { [A.policy]: 'mws', [A.errorType]: '503', [A.statusCode]: 503 };
    expect(await points(METRIC_NAMES.attempts)).toEqual([[failed, error.attempts.length]]);
    const retried = error.attempts.filter((a) => a.action === 'retry');
    expect(await points(METRIC_NAMES.retries)).toEqual([[{ ...failed, [A.rule]: 'RequestThrottled', [A.delaySource]: 'schedule' }, retried.length]]);
    expect(await points(METRIC_NAMES.giveUps)).toEqual([[{ [A.policy]: 'mws', [A.stopReason]: error.reason, [A.errorType]: '503' }, 1]]);
    const [[attributes, histogram]] = (await points(METRIC_NAMES.retryDelay)) as [[Attributes, Histogram]];
    expect(attributes).toEqual({ [A.policy]: 'mws', [A.rule]: 'RequestThrottled', [A.delaySource]: 'schedule' });
    expect(histogram.count).toBe(retried.length);
    expect(histogram.sum).toBeCloseTo(retried.reduce((sum, a) => sum + a.delayMs!, 0) / 1000, 9);
    expect(histogram.max).toBe(30);
  });

  it('counts budget-store fallbacks by operation, without the key', async () => {
    instrument();
    diagnostics_channel.channel('retry-table:budget-fallback').publish({ key: 'seller-1', operation: 'spend', error: new Error('timeout') });
    expect(await points(METRIC_NAMES.budgetFallbacks)).toEqual([[{ [A.budgetOperation]: 'spend' }, 1]]);
  });
});

describe('retry-table/otel: subscription', () => {
  it('subscribes only while instrumented: before and after, the core publishes nothing', () => {
    expect([channels.attempt.hasSubscribers, channels.retry.hasSubscribers, channels.giveup.hasSubscribers]).toEqual([false, false, false]);
    instrument();
    expect([channels.attempt.hasSubscribers, channels.retry.hasSubscribers, channels.giveup.hasSubscribers, channels.budgetFallback.hasSubscribers]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    stop!();
    stop!();
    expect([channels.attempt.hasSubscribers, channels.retry.hasSubscribers, channels.giveup.hasSubscribers]).toEqual([false, false, false]);
  });

  it('rejects an unknown option at once, naming the closest one', () => {
    const error = (() => {
      try {
        instrumentRetryTable({ tracerProvder: tracerProvider } as never);
      } catch (e) {
        return e;
      }
    })();
    expect(isOptionsError(error) && error.suggestion).toBe('tracerProvider');
  });

  it('never lets a failing exporter or tracer reach the call: the error goes to the OpenTelemetry diag log', async () => {
    const logged: unknown[] = [];
    diag.setLogger({ error: (...args: unknown[]) => void logged.push(args), warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.ERROR);
    const broken = { getTracer: () => ({ startSpan: () => { throw new Error('exporter down'); } }) } as unknown as TracerProvider;
    instrument({ tracerProvider: broken });
    const clock = new TestClock();
    let calls = 0;
    const call = withRetry(mwsPolicy, { clock })(async () => {
      if (++calls === 1) throw Object.assign(new Error('throttled'), { status: 503, code: 'RequestThrottled' });
      return 'ok';
    });
    expect(await clock.run(call())).toBe('ok');
    diag.disable();
    expect(logged).toHaveLength(1);
    expect(String(logged[0])).toContain('retry-table:attempt');
  });

  it('works without a context manager: spans are roots, attempts still tied per call', async () => {
    context.disable();
    try {
      instrument();
      const clock = new TestClock();
      let calls = 0;
      const call = withRetry(mwsPolicy, { clock })(async () => {
        if (++calls < 3) throw Object.assign(new Error('throttled'), { status: 503, code: 'RequestThrottled', requestId: `r${calls}` });
        return 'ok';
      });
      await clock.run(call());
      const [span] = spans.getFinishedSpans();
      expect(span!.parentSpanContext).toBeUndefined();
      expect(attemptEvents(span!).map((a) => a[A.attempt])).toEqual([1, 2, 3]);
    } finally {
      context.setGlobalContextManager(contextManager.enable());
    }
  });

  it('runs on the global no-op providers when no SDK is registered', async () => {
    stop = instrumentRetryTable();
    const clock = new TestClock();
    let calls = 0;
    const call = withRetry(mwsPolicy, { clock })(async () => {
      if (++calls === 1) throw Object.assign(new Error('throttled'), { status: 503, code: 'RequestThrottled' });
      return 'ok';
    });
    await expect(clock.run(call())).resolves.toBe('ok');
    expect(trace.getActiveSpan()).toBeUndefined();
    expect(spans.getFinishedSpans()).toEqual([]);
  });

  it('records a give-up it saw only the end of from the journal alone', async () => {
    const clock = new TestClock();
    let calls = 0;
    const call = withRetry(mwsPolicy, { clock })(async () => {
      calls++;
      // Instrumented between attempts: the first two attempts were never seen.
      if (calls === 3) instrument();
      throw Object.assign(new Error('throttled'), { status: 503, code: 'RequestThrottled', requestId: `r${calls}` });
    });
    const error = (await clock.run(call().catch((e: unknown) => e))) as RetryError;
    const [span] = spans.getFinishedSpans();
    expect(asJournal(span!)).toEqual(fromRetryError(error));
    expect(span!.attributes[A.attempts]).toBe(5);
    const times = span!.events.map((event) => event.time[0] * 1e3 + event.time[1] / 1e6);
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });
});
