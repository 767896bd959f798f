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

  constructor(private readonly owner: AttemptOwner) {}

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
    if (statusCode < 400) {
      this.mode = 'passing';
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
    if (this.mode === 'passing') return void this.owner.downstream.onResponseData?.(this.owner.controller, chunk);
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
    if (this.mode === 'passing') return void this.owner.downstream.onResponseError?.(this.owner.controller, error);
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
}
