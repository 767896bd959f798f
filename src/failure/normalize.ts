import type { Failure, FailureKind, Quota } from './failure.js';
import { readHeader } from './headers.js';
import { dropUndefined, MAX_BODY_CHARS, parseErrorText, readErrorBody, type ErrorBodyFields } from './error-body.js';
import { isNetworkCode } from './network-codes.js';
import { isResponseLike, type ResponseLike } from './response-like.js';
import { millisUntil, parseRetryAfter } from './retry-after.js';
import { asFiniteNumber, asText, safeGet } from './safe-read.js';

/** Options for {@link normalizeFailure}. */
export interface NormalizeOptions {
  /**
   * The current time in epoch milliseconds, used to turn `Retry-After` dates and quota reset
   * times into relative delays. The scheduler passes its clock's reading.
   * @defaultValue `Date.now()`
   */
  readonly now?: number;
  /** Abandons reading a response body when aborted. */
  readonly signal?: AbortSignal;
  /**
   * How long reading an error body may take: a server that sends its headers and then stalls
   * must not hang the failure path. What arrived by then is parsed.
   * @defaultValue 2000
   */
  readonly bodyTimeoutMs?: number;
}

/** The default of {@link NormalizeOptions.bodyTimeoutMs}. */
const BODY_TIMEOUT_MS = 2000;

/** How deep the normalizer follows `cause` and `AggregateError.errors`; chains can be cyclic. */
const MAX_CHAIN_NODES = 32;

/**
 * Turns anything a wrapped call threw or returned into a {@link Failure}.
 *
 * Reads fetch `Response`s (returned or thrown; the body is read from a clone, so the caller can
 * still read it), errors with `status` / `statusCode` / `response.status` (axios, got), the
 * scraper API's JSON error body and MWS XML error bodies, `Retry-After` and MWS quota headers,
 * Node and undici network codes anywhere along the `cause` chain, and `AbortError` /
 * `TimeoutError`. It never throws: whatever it cannot read is left out.
 *
 * @param value - what the call threw, or the failed `Response` it returned
 * @param options - the clock reading and an abort signal for the body read
 * @example
 * ```ts
 * const failure = await normalizeFailure(await fetch(url));
 * if (failure.kind === 'http') console.log(failure.status, failure.code, failure.requestId);
 * ```
 */
export async function normalizeFailure(value: unknown, options: NormalizeOptions = {}): Promise<Failure> {
  const now = options.now ?? Date.now();
  try {
    const found = classify(value, now);
    if (found.response === undefined) return found.failure;
    const text = await readBodyPrefix(found.response, options.signal, options.bodyTimeoutMs ?? BODY_TIMEOUT_MS);
    return text === '' ? found.failure : withBody(found.failure, parseErrorText(text));
  } catch {
    return { kind: 'unknown' };
  }
}

/**
 * The synchronous part of {@link normalizeFailure}: everything except reading a `Response`
 * body stream. Bodies already in memory (axios' `response.data`, got's `response.body`) are read.
 *
 * @example
 * ```ts
 * normalizeFailureSync(Object.assign(new Error('boom'), { code: 'ECONNRESET' })).kind; // 'network'
 * ```
 */
export function normalizeFailureSync(value: unknown, options: Pick<NormalizeOptions, 'now'> = {}): Failure {
  try {
    return classify(value, options.now ?? Date.now()).failure;
  } catch {
    return { kind: 'unknown' };
  }
}

interface Classified {
  readonly failure: Failure;
  /** A Response whose body still has to be read for the error code. */
  readonly response?: ResponseLike;
}

function classify(value: unknown, now: number): Classified {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    return { failure: dropUndefined({ kind: 'unknown' as const, message: describePrimitive(value) }) };
  }
  // Most failures classify on the thrown value itself; the chain is walked only when they do not.
  const found = classifyNode(value, now) ?? classifyCauses(value, now);
  if (found !== undefined) return found;
  return {
    failure: dropUndefined({
      kind: 'unknown' as const,
      code: asText(safeGet(value, 'code'), 200),
      message: asText(safeGet(value, 'message')),
    }),
  };
}

function classifyCauses(root: object, now: number): Classified | undefined {
  const chain = walkChain(root);
  for (let i = 1; i < chain.length; i++) {
    const found = classifyNode(chain[i]!, now);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * One node of the cause chain: an http answer, a network code, a timeout or an abort, or nothing.
 * Plain checks rather than a ts-pattern chain: this runs on every failure, and a `.with` costs
 * about 100 ns here (bench/RESULTS.md, scenario 2).
 */
function classifyNode(node: object, now: number): Classified | undefined {
  if (isResponseLike(node)) return fromHttp(node, node.status, node.headers, undefined, node, now);
  const response = safeGet(node, 'response');
  const status = httpStatusOf(node, response);
  if (status !== undefined) {
    const headers = safeGet(node, 'headers') ?? safeGet(response, 'headers');
    const toRead = isResponseLike(response) ? response : undefined;
    return fromHttp(node, status, headers, toRead, undefined, now);
  }
  const code = asText(safeGet(node, 'code'), 200);
  const message = asText(safeGet(node, 'message'));
  const kind = kindOf(asText(safeGet(node, 'name')), code, message);
  return kind === undefined ? undefined : { failure: dropUndefined({ kind, code, message }) };
}

/** The kind a name or code reveals: DOMException names first, then transport codes. */
function kindOf(name: string | undefined, code: string | undefined, message: string | undefined): FailureKind | undefined {
  if (name === 'TimeoutError') return 'timeout';
  // axios reports its own `timeout` option as ECONNABORTED "timeout of 100ms exceeded".
  if (code === 'ECONNABORTED' && message !== undefined && /timeout/i.test(message)) return 'timeout';
  if (name === 'AbortError' || code === 'UND_ERR_ABORTED') return 'abort';
  if (code !== undefined && isNetworkCode(code)) return 'network';
  return undefined;
}

function fromHttp(
  node: object,
  status: number,
  headers: unknown,
  bodyResponse: ResponseLike | undefined,
  selfResponse: ResponseLike | undefined,
  now: number,
): Classified {
  const inMemoryBody: ErrorBodyFields =
    selfResponse !== undefined || bodyResponse !== undefined ? {} : readErrorBody(bodyOf(node));
  const failure: Failure = dropUndefined({
    kind: 'http' as const,
    status,
    code: inMemoryBody.code ?? serverCodeOf(node),
    message: inMemoryBody.message ?? (selfResponse ? asText(safeGet(node, 'statusText')) : asText(safeGet(node, 'message'))),
    requestId:
      inMemoryBody.requestId ??
      readHeader(headers, 'x-mws-request-id') ??
      asText(safeGet(safeGet(node, '$metadata'), 'requestId'), 200) ??
      readHeader(headers, 'x-amzn-requestid') ??
      readHeader(headers, 'x-request-id'),
    timestamp: readHeader(headers, 'x-mws-timestamp'),
    retryAfterMs: parseRetryAfter(readHeader(headers, 'retry-after'), now),
    quota: readQuota(headers, now),
  });
  return { failure, response: selfResponse ?? bodyResponse };
}

/** A body's fields win over what the error object said: the server knows its own code. */
function withBody(failure: Failure, body: ErrorBodyFields): Failure {
  return dropUndefined({
    ...failure,
    code: body.code ?? failure.code,
    message: body.message ?? failure.message,
    requestId: body.requestId ?? failure.requestId,
  });
}

function readQuota(headers: unknown, now: number): Quota | undefined {
  const max = asFiniteNumber(readHeader(headers, 'x-mws-quota-max'));
  const remaining = asFiniteNumber(readHeader(headers, 'x-mws-quota-remaining'));
  const resetsOn = readHeader(headers, 'x-mws-quota-resetsOn');
  const resetsAt = resetsOn === undefined ? undefined : Date.parse(resetsOn);
  const validReset = resetsAt !== undefined && Number.isFinite(resetsAt) ? resetsAt : undefined;
  if (max === undefined && remaining === undefined && validReset === undefined) return undefined;
  return dropUndefined({
    max,
    remaining,
    resetsAt: validReset,
    resetsInMs: validReset === undefined ? undefined : millisUntil(validReset, now),
  });
}

/**
 * `status` (fetch-like, ky), `statusCode` (got, node:http), `response.status(Code)` (axios, got),
 * `$metadata.httpStatusCode` (AWS SDK v3).
 */
function httpStatusOf(node: object, response: unknown): number | undefined {
  const candidates = [
    safeGet(node, 'status'),
    safeGet(node, 'statusCode'),
    safeGet(response, 'status'),
    safeGet(response, 'statusCode'),
    safeGet(safeGet(node, '$metadata'), 'httpStatusCode'),
  ];
  for (const candidate of candidates) {
    const status = asFiniteNumber(candidate);
    if (status !== undefined && Number.isInteger(status) && status >= 400 && status <= 599) return status;
  }
  return undefined;
}

/**
 * The server's error code carried on the error object itself. Client-library codes such as
 * axios' `ERR_BAD_RESPONSE` or got's `ERR_NON_2XX_3XX_RESPONSE` describe the client, not the
 * server's answer, so they are skipped in favour of the status.
 */
function serverCodeOf(node: object): string | undefined {
  // AWS SDK v3 service exceptions carry the service's error code as their name.
  if (safeGet(node, '$metadata') !== undefined && safeGet(node, '$fault') !== undefined) return asText(safeGet(node, 'name'), 200);
  const error = asText(safeGet(node, 'error'), 200);
  if (error !== undefined) return error;
  const code = asText(safeGet(node, 'code'), 200);
  return code === undefined || /^ERR_[A-Z0-9_]+$/.test(code) ? undefined : code;
}

function bodyOf(node: object): unknown {
  const response = safeGet(node, 'response');
  return safeGet(node, 'body') ?? safeGet(response, 'data') ?? safeGet(response, 'body') ?? safeGet(node, 'data');
}

/** The error and everything reachable through `cause` and `AggregateError.errors`, breadth first. */
function walkChain(root: object): object[] {
  const queue: object[] = [root];
  for (let index = 0; index < queue.length && queue.length < MAX_CHAIN_NODES; index++) {
    const node = queue[index]!;
    enqueue(queue, safeGet(node, 'cause'));
    const errors = safeGet(node, 'errors');
    if (Array.isArray(errors)) for (let i = 0; i < errors.length && queue.length < MAX_CHAIN_NODES; i++) enqueue(queue, errors[i]);
  }
  return queue;
}

/** Adds a node unless it was seen before: chains can be cyclic. The queue is tiny, so a scan beats a Set. */
function enqueue(queue: object[], child: unknown): void {
  if (child !== null && typeof child === 'object' && !queue.includes(child)) queue.push(child);
}

/**
 * Reads at most {@link MAX_BODY_CHARS} bytes of a clone of the body, so the caller can still read
 * the original. Only text-like bodies are read; a consumed body or a failing stream yields ''.
 */
async function readBodyPrefix(response: ResponseLike, signal: AbortSignal | undefined, timeoutMs: number): Promise<string> {
  const contentType = readHeader(response.headers, 'content-type');
  if (contentType !== undefined && !/json|xml|text/i.test(contentType)) return '';
  let body: ReadableStream<Uint8Array> | null;
  try {
    body = response.clone().body;
  } catch {
    return '';
  }
  if (body === null) return '';
  const reader = body.getReader();
  const onAbort = (): void => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  // Cancelling the reader ends a pending read() with `done`: we keep what arrived. Unref'd, so
  // a stalled body never keeps the process alive.
  const timer = globalThis.setTimeout(onAbort, timeoutMs);
  (timer as { unref?: () => void }).unref?.();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    if (signal?.aborted) return '';
    while (total < MAX_BODY_CHARS) {
      const { done, value } = await reader.read();
      if (done || value === undefined) break;
      chunks.push(value);
      total += value.byteLength;
    }
  } catch {
    return '';
  } finally {
    globalThis.clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    // Stop the clone's branch of the tee: the rest of an oversized body is not ours to buffer.
    reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, MAX_BODY_CHARS));
}

function describePrimitive(value: unknown): string | undefined {
  try {
    return value === undefined || value === null ? undefined : asText(String(value));
  } catch {
    return undefined;
  }
}
