import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { answerResponse, ERROR_BODY_LIMIT } from './undici-answer.js';
import type { StableController } from './undici-controller.js';

/** What an attempt reports to the request it belongs to (see `PolicyRetryCall`). */
export interface AttemptOwner {
  /** The controller and handler of the caller, for the whole request. */
  readonly controller: StableController;
  readonly downstream: Dispatcher.DispatchHandler;
  /** The attempt is on the wire. */
  attemptStarted(controller: Dispatcher.DispatchController, context: unknown): void;
  /** The attempt got an answer below 400, now streaming to the caller. */
  answered(): void;
  /** The attempt got an error status and its body is held (whole, or its first 64 KiB): decide. */
  failedAnswer(attempt: AttemptHandler): void;
  /** The attempt failed without an answer (refused, reset, timed out): decide. */
  failedError(attempt: AttemptHandler, error: Error): void;
  /** The answer streaming to the caller broke off after `delivered` bytes: resume it, or pass the error on. */
  brokeOff(attempt: AttemptHandler, error: Error, resume: Resume | undefined): void;
}

/**
 * How an answer that broke off midway can be fetched from where it stopped, as undici's
 * RetryHandler does: a `Range` request from the next byte, `If-Match` its strong ETag, so the
 * server sends the rest of the same representation (206) or nothing.
 */
export interface Resume {
  readonly etag: string;
  /** The next byte to fetch: what reached the caller so far, from the answer's first byte. */
  readonly start: number;
  /** The representation's last byte, when its length is known. */
  readonly end: number | undefined;
}

/**
 * - `head`: waiting for the answer;
 * - `passing`: the answer goes to the caller as it streams (a success, or a failure the policy stopped on);
 * - `buffering`: an error status whose body is being kept for the decision;
 * - `held`: the decision is being made, the body kept (a body past the limit is paused meanwhile);
 * - `abandoned`: the policy retries; whatever still comes is dropped.
 */
type Mode = 'head' | 'passing' | 'buffering' | 'held' | 'abandoned';

/**
 * One attempt of a request on the wire. An answer below 400 streams straight to the caller; an
 * error status is held back, its body kept up to {@link ERROR_BODY_LIMIT}, so the policy can read
 * the server's error code before anything reaches the caller, who sees only the answer the policy
 * stops on.
 *
 * @example
 * ```ts
 * dispatch(opts, new AttemptHandler(call));
 * ```
 */
export class AttemptHandler implements Dispatcher.DispatchHandler {
  private mode: Mode = 'head';
  private controller: Dispatcher.DispatchController | undefined;
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private statusMessage: string | undefined;
  private chunks: Buffer[] = [];
  private size = 0;
  private ended = false;
  private trailers: IncomingHttpHeaders = {};
  /** An error that cut a held answer short while it was being decided. */
  private lateError: Error | undefined;
  /** For an answer streaming to the caller: how to resume it should it break off (strong ETag, ranges accepted). */
  private resume: { etag: string; start: number; end: number | undefined } | undefined;

  constructor(
    private readonly owner: AttemptOwner,
    /** This attempt resumes an answer that broke off: it must continue it exactly (206 from `start`, same ETag). */
    private readonly resuming?: Resume,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.controller = controller;
    this.owner.attemptStarted(controller, context);
  }

  onRequestUpgrade(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, socket: Duplex): void {
    this.owner.downstream.onRequestUpgrade?.(this.owner.controller, statusCode, headers, socket);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string): void {
    if (this.mode === 'abandoned') return;
    // An informational answer (100 Continue, 103 Early Hints) is not the answer: pass it on and wait for the final one.
    if (statusCode < 200) {
      this.owner.downstream.onResponseStart?.(this.owner.controller, statusCode, headers, statusMessage);
      return;
    }
    if (this.resuming !== undefined) return this.continueAnswer(statusCode, headers);
    if (statusCode < 400) {
      this.mode = 'passing';
      this.resume = resumable(statusCode, headers);
      this.owner.answered();
      this.owner.downstream.onResponseStart?.(this.owner.controller, statusCode, headers, statusMessage);
      return;
    }
    this.mode = 'buffering';
    this.status = statusCode;
    this.headers = headers;
    this.statusMessage = statusMessage;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.mode === 'passing') {
      if (this.resume !== undefined) this.resume.start += chunk.length;
      return void this.owner.downstream.onResponseData?.(this.owner.controller, chunk);
    }
    if (this.mode !== 'buffering' && this.mode !== 'held') return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.mode === 'buffering' && this.size > ERROR_BODY_LIMIT) {
      // Enough to read any error code: decide now, and hold the rest of the stream meanwhile.
      controller.pause();
      this.mode = 'held';
      this.owner.failedAnswer(this);
    }
  }

  onResponseEnd(_controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    if (this.mode === 'passing') return void this.owner.downstream.onResponseEnd?.(this.owner.controller, trailers);
    if (this.mode !== 'buffering' && this.mode !== 'held') return;
    this.ended = true;
    this.trailers = trailers;
    if (this.mode === 'buffering') {
      this.mode = 'held';
      this.owner.failedAnswer(this);
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.mode === 'passing') {
      this.mode = 'abandoned';
      return this.owner.brokeOff(this, error, this.resume);
    }
    if (this.mode === 'held') return void (this.lateError = error);
    if (this.mode === 'abandoned') return;
    this.mode = 'abandoned';
    this.owner.failedError(this, error);
  }

  /** The held answer as a fetch `Response`, for the normalizer. */
  failedAnswer(): Response {
    return answerResponse(this.status, this.headers, this.statusMessage, this.chunks);
  }

  /** The policy stopped on the held answer: hand it to the caller as the server sent it. */
  deliver(): void {
    this.mode = 'passing';
    const { downstream, controller: stable } = this.owner;
    downstream.onResponseStart?.(stable, this.status, this.headers, this.statusMessage);
    if (this.chunks.length > 0) downstream.onResponseData?.(stable, Buffer.concat(this.chunks));
    this.chunks = [];
    if (this.lateError !== undefined) downstream.onResponseError?.(stable, this.lateError);
    else if (this.ended) downstream.onResponseEnd?.(stable, this.trailers);
    else if (!stable.paused) this.controller?.resume();
  }

  /** The policy retries: drop the held answer, and end one still streaming (a body past the limit). */
  abandon(): void {
    const streaming = this.mode === 'held' && !this.ended && this.lateError === undefined;
    this.mode = 'abandoned';
    this.chunks = [];
    if (streaming) this.controller?.abort(new Error('retry-table: the rest of this answer is not needed, the request is retried'));
  }

  /**
   * The answer to a resuming request: a 206 that continues exactly where the broken answer
   * stopped, with the same ETag, streams on to the caller; anything else cannot be stitched onto
   * what the caller already has, and fails the request clearly.
   */
  private continueAnswer(statusCode: number, headers: IncomingHttpHeaders): void {
    const resuming = this.resuming!;
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(headers['content-range'] ?? ''));
    const fits = statusCode === 206 && range !== null && Number(range[1]) === resuming.start && headers.etag === resuming.etag;
    if (!fits) {
      this.mode = 'abandoned';
      this.controller?.abort(new Error('retry-table: the resumed answer does not continue the one that broke off'));
      const why = statusCode === 206 ? `Content-Range ${String(headers['content-range'])}, ETag ${String(headers.etag)}` : `status ${statusCode}`;
      return this.owner.brokeOff(this, new Error(`retry-table: cannot resume the answer that broke off at byte ${resuming.start}: the server answered the Range request with ${why}`), undefined);
    }
    this.mode = 'passing';
    this.resume = { etag: resuming.etag, start: resuming.start, end: resuming.end };
  }
}

/** How to resume an answer should it break off: only with a strong ETag and `Accept-Ranges: bytes` (RFC 9110 §13.1.1, §14.3). */
function resumable(statusCode: number, headers: IncomingHttpHeaders): { etag: string; start: number; end: number | undefined } | undefined {
  const etag = headers.etag;
  if (statusCode !== 200 || typeof etag !== 'string' || etag.startsWith('W/') || String(headers['accept-ranges']).toLowerCase() !== 'bytes') return undefined;
  const length = Number(headers['content-length']);
  return { etag, start: 0, end: Number.isInteger(length) && length > 0 ? length - 1 : undefined };
}
