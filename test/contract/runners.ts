// The runner entries of the cross-runner contract test (runners.test.ts): every runner of the
// library (each one a driver of the same CallRun, src/run/call-run.ts) behind one small interface,
// so the scenario table runs against all of them, and a runner added later gets the whole table
// by adding one entry to RUNNERS.
//
// Each entry drives its real client against the local scripted node:http server
// (test/adapters/http-script.ts) and normalizes what the caller sees into an Outcome. The
// differences it hides, and that the scenarios assert through `stop` and the capability fields:
//
// - engine (withRetry / retry around global fetch): a stop rejects with the RetryError itself
//   (its `cause` the last failed Response);
// - axios (retryAxios): a stop rejects with the RetryError (its `cause` the last AxiosError);
// - undici (policyRetryInterceptor, through undici's `request`): a stop on an HTTP answer does
//   NOT reject: the last answer reaches the caller as the server sent it, its status resolved;
//   the RetryError only reaches `onGiveUp` (and the giveup channel), so the entry takes it from
//   there. A stop on a failure without an answer (timeout, reset) rejects with the RetryError;
// - AWS SDK (policyRetryStrategy in a DynamoDBClient): a stop rejects with the SDK's service
//   error (or TimeoutError), as the SDK rethrows its own error whatever the strategy throws; the
//   RetryError is found through `retryErrorOf(error)`;
// - BullMQ (bullmqRetry, a real Queue and Worker on redis-server): a stop fails the job with
//   UnrecoverableError whose `cause` is the RetryError; the entry takes the error from the
//   worker's 'failed' event (in process, so the cause is the object itself, not a Redis string).
//   Jobs park in Redis with real delays: BullMQ gets no TestClock (real time, short delays).
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import axios from 'axios';
import { Queue, QueueEvents, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Agent, request } from 'undici';
import { policyRetryStrategy, retryErrorOf } from '../../src/adapters/aws.js';
import { retryAxios } from '../../src/adapters/axios.js';
import { bullmqRetry } from '../../src/adapters/bullmq.js';
import { policyRetryInterceptor } from '../../src/adapters/undici.js';
import { isRetryError, retry, withRetry, type Policy, type RetryError, type RetryOptions, type TestClock } from '../../src/index.js';
import type { SeenRequest } from '../adapters/http-script.js';
import { connectionOf } from '../fleet/bullmq-fixtures.js';

/** The options a scenario gives a runner: the call options every runner takes, and the two hooks only some take. */
export type ContractOptions = Pick<RetryOptions, 'budget' | 'rateLimiter' | 'maxElapsedMs' | 'onRetry' | 'onGiveUp' | 'onAttempt' | 'random'>;

/** What the caller of one logical request saw, normalized across runners. */
export interface Outcome {
  /** `resolved`: the caller got an answer (status and body); `rejected`: it got an error. */
  readonly settled: 'resolved' | 'rejected';
  readonly status?: number;
  readonly body?: string;
  /** What it rejected with (the RetryError, the SDK's error, the UnrecoverableError, an abort reason). */
  readonly error?: unknown;
  /** The RetryError the call stopped with, wherever the runner puts it; undefined when it did not stop. */
  readonly retryError?: RetryError;
}

/** How a runner hands the caller a policy's stop on an HTTP answer (see the file's header). */
export type StopShape = 'rejects-retry-error' | 'resolves-answer' | 'rejects-sdk-error' | 'fails-job';

/** Whether a deadline (`maxElapsedMs`) can cut an attempt that is running. */
export type DeadlineCut =
  /** The attempt's time limit is clipped to what the deadline leaves: the call stops at the deadline. */
  | 'cuts-attempt'
  /** The runner cannot cut a running attempt: the client's own timeout ends it, the deadline (past by then) stops the retry. */
  | 'client-timeout-then-stops';

/**
 * How a runner takes a caller's abort during a wait between attempts:
 * - `signal`: the call takes an AbortSignal; aborting in a wait rejects at once with its reason, no timer left;
 * - `sdk-race`: the AWS SDK races the command against its `abortSignal` but never hands it to the
 *   strategy (documented on PolicyRetryStrategyOptions): the command rejects at once, the
 *   strategy's wait already begun runs out (the clock still holds it), and no attempt follows;
 * - `none`: BullMQ jobs take no signal (`signal` is no option of bullmqRetry); the analogue is
 *   removing the job while it waits delayed, after which it is never attempted again.
 */
export type AbortSupport = 'signal' | 'sdk-race' | 'none';

export interface MakeContext {
  /** The scripted server's base URL. */
  readonly url: string;
  /** The test's clock; undefined for a real-time scenario (the runner uses the system clock). */
  readonly clock: TestClock | undefined;
  /**
   * The client's own per-attempt timeout in ms, for the deadline scenario: the engine's
   * `attemptTimeoutMs`, axios' `timeout`, undici's `headersTimeout`, the SDK handler's
   * `requestTimeout`, the BullMQ processor's fetch `AbortSignal.timeout`.
   */
  readonly clientTimeoutMs?: number;
}

export interface CallRequest {
  /** Names the call at the server (see {@link Runner.tagOf}). @defaultValue 'item' */
  readonly tag?: string;
  readonly signal?: AbortSignal;
}

/** One call on its way. */
export interface PendingCall {
  readonly outcome: Promise<Outcome>;
  /** BullMQ only: removes the job (the `none` abort variant). */
  readonly remove?: () => Promise<void>;
}

export interface Client {
  /** Sends one logical request; its outcome is not driven by the clock (see {@link Runner.drive}). */
  start(request?: CallRequest): PendingCall;
  close(): Promise<void>;
}

export interface Runner {
  readonly name: string;
  /** Whether the runner's waits run on the test's TestClock (all but BullMQ, whose jobs park in Redis in real time). */
  readonly testClock: boolean;
  readonly stop: StopShape;
  readonly deadline: DeadlineCut;
  readonly abort: AbortSupport;
  /** Whether the runner takes the `onAttempt` hook (every runner does: the driver calls it). */
  readonly onAttempt: boolean;
  /** Sets the runner up with its client for one scenario (BullMQ: a queue and worker of its own). */
  make(policy: Policy, options: ContractOptions, context: MakeContext): Promise<Client>;
  /** Which call a request the server saw belongs to ({@link CallRequest.tag}). */
  tagOf(request: SeenRequest): string;
}

/** What the server answers with success: DynamoDB's GetItem shape, which every client reads. */
export const OK_BODY = '{"Item":{"id":{"S":"42"}}}';

/** Picks the HTTP adapters' options out of the contract's: `onAttempt` is passed only when the scenario set it, so its refusal shows. */
function httpOptions(options: ContractOptions, clock: TestClock | undefined): Record<string, unknown> {
  const { onAttempt, ...rest } = options;
  return { ...rest, ...(onAttempt === undefined ? {} : { onAttempt }), ...(clock === undefined ? {} : { clock }) };
}

/** Records the give-ups of one client: undici's stop on an answer reports its RetryError only there. */
function giveUpLog(options: ContractOptions): { readonly options: ContractOptions; readonly errors: RetryError[] } {
  const errors: RetryError[] = [];
  const { onGiveUp } = options;
  return {
    errors,
    options: {
      ...options,
      onGiveUp: (error, call) => {
        errors.push(error);
        onGiveUp?.(error, call);
      },
    },
  };
}

async function fetchOutcome(settle: () => Promise<Response>): Promise<Outcome> {
  try {
    const response = await settle();
    return { settled: 'resolved', status: response.status, body: await response.text() };
  } catch (error) {
    return { settled: 'rejected', error, retryError: isRetryError(error) ? error : undefined };
  }
}

const pathTag = (request: SeenRequest): string => request.path.slice(1);

const engineWithRetry: Runner = {
  name: 'engine withRetry(policy)(fn) + fetch',
  testClock: true,
  stop: 'rejects-retry-error',
  // withRetry's fn gets the caller's arguments, not the attempt's signal: the deadline ends the
  // call at once (the attempt's late result is ignored), though the fetch itself runs on.
  deadline: 'cuts-attempt',
  abort: 'signal',
  onAttempt: true,
  async make(policy, options, { url, clock, clientTimeoutMs }) {
    return {
      start: ({ tag = 'item', signal } = {}) => {
        // One wrapper per call: withRetry's signal is the wrapper's, so a per-call signal needs its own.
        const call = withRetry(policy, {
          ...options,
          ...(clock === undefined ? {} : { clock }),
          ...(signal === undefined ? {} : { signal }),
          ...(clientTimeoutMs === undefined ? {} : { attemptTimeoutMs: clientTimeoutMs }),
        })(() => fetch(`${url}/${tag}`));
        return { outcome: fetchOutcome(call) };
      },
      close: async () => undefined,
    };
  },
  tagOf: pathTag,
};

const engineRetry: Runner = {
  name: 'engine retry(policy, fn) + fetch(ctx.signal)',
  testClock: true,
  stop: 'rejects-retry-error',
  // ctx.signal aborts when the attempt's limit (attemptTimeoutMs clipped to the deadline) runs out: the fetch itself is cancelled.
  deadline: 'cuts-attempt',
  abort: 'signal',
  onAttempt: true,
  async make(policy, options, { url, clock, clientTimeoutMs }) {
    return {
      start: ({ tag = 'item', signal } = {}) => ({
        outcome: fetchOutcome(() =>
          retry(policy, (ctx) => fetch(`${url}/${tag}`, { signal: ctx.signal }), {
            ...options,
            ...(clock === undefined ? {} : { clock }),
            ...(signal === undefined ? {} : { signal }),
            ...(clientTimeoutMs === undefined ? {} : { attemptTimeoutMs: clientTimeoutMs }),
          }),
        ),
      }),
      close: async () => undefined,
    };
  },
  tagOf: pathTag,
};

const axiosRunner: Runner = {
  name: 'axios retryAxios(instance)',
  testClock: true,
  stop: 'rejects-retry-error',
  // retryAxios clips each attempt's axios `timeout` to what the deadline leaves.
  deadline: 'cuts-attempt',
  abort: 'signal',
  onAttempt: true,
  async make(policy, options, { url, clock, clientTimeoutMs }) {
    const api = axios.create({ baseURL: url, responseType: 'text', ...(clientTimeoutMs === undefined ? {} : { timeout: clientTimeoutMs }) });
    const eject = retryAxios(api, policy, httpOptions(options, clock));
    return {
      start: ({ tag = 'item', signal } = {}) => ({
        outcome: api.get<string>(`/${tag}`, signal === undefined ? {} : { signal }).then(
          (response): Outcome => ({ settled: 'resolved', status: response.status, body: response.data }),
          (error: unknown): Outcome => ({ settled: 'rejected', error, retryError: isRetryError(error) ? error : undefined }),
        ),
      }),
      close: async () => eject(),
    };
  },
  tagOf: pathTag,
};

const undiciRunner: Runner = {
  name: 'undici policyRetryInterceptor + request',
  testClock: true,
  stop: 'resolves-answer',
  // The interceptor does not cut a running attempt by the deadline (it has no per-attempt limit
  // of its own); undici's headersTimeout ends it, and the deadline, past by then, stops the retry.
  deadline: 'client-timeout-then-stops',
  abort: 'signal',
  onAttempt: true,
  async make(policy, options, { url, clock, clientTimeoutMs }) {
    const log = giveUpLog(options);
    const agent = new Agent(clientTimeoutMs === undefined ? {} : { headersTimeout: clientTimeoutMs }).compose(policyRetryInterceptor(policy, httpOptions(log.options, clock)));
    return {
      start: ({ tag = 'item', signal } = {}) => {
        const before = log.errors.length;
        const outcome = request(`${url}/${tag}`, signal === undefined ? { dispatcher: agent } : { dispatcher: agent, signal }).then(
          async (response): Promise<Outcome> => {
            const body = await response.body.text();
            // A stopped answer resolves: its RetryError is the one onGiveUp got during this call.
            const retryError = response.statusCode >= 400 ? log.errors.slice(before).at(-1) : undefined;
            return { settled: 'resolved', status: response.statusCode, body, retryError };
          },
          (error: unknown): Outcome => ({ settled: 'rejected', error, retryError: isRetryError(error) ? error : undefined }),
        );
        return { outcome };
      },
      close: () => agent.close(),
    };
  },
  tagOf: pathTag,
};

const awsRunner: Runner = {
  name: 'AWS SDK policyRetryStrategy + DynamoDBClient',
  testClock: true,
  stop: 'rejects-sdk-error',
  // A strategy sees an attempt only before and after: the SDK handler's requestTimeout ends a
  // stalled attempt (throwOnRequestTimeout: without it smithy only logs a warning and waits on),
  // and the deadline, past by then, stops the retry.
  deadline: 'client-timeout-then-stops',
  abort: 'sdk-race',
  onAttempt: true,
  async make(policy, options, { url, clock, clientTimeoutMs }) {
    const client = new DynamoDBClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: policy.maxAttempts,
      retryStrategy: policyRetryStrategy(policy, httpOptions(options, clock)),
      ...(clientTimeoutMs === undefined ? {} : { requestHandler: { requestTimeout: clientTimeoutMs, throwOnRequestTimeout: true } }),
    });
    return {
      start: ({ tag = 'item', signal } = {}) => {
        const command = new GetItemCommand({ TableName: tag, Key: { id: { S: '42' } } });
        const outcome = client.send(command, signal === undefined ? {} : { abortSignal: signal }).then(
          (output): Outcome => ({ settled: 'resolved', status: output.$metadata.httpStatusCode, body: JSON.stringify({ Item: output.Item }) }),
          (error: unknown): Outcome => ({ settled: 'rejected', error, retryError: retryErrorOf(error) }),
        );
        return { outcome };
      },
      close: async () => client.destroy(),
    };
  },
  tagOf: (request) => (JSON.parse(request.body) as { TableName: string }).TableName,
};

type JobData = { tag: string };
type JobResult = { status: number; body: string };

const bullmqRunner: Runner = {
  name: 'BullMQ bullmqRetry + Queue/Worker',
  testClock: false,
  stop: 'fails-job',
  // The processor's attempt runs to its end whatever the deadline: the fetch's own timeout ends it, the deadline stops the retry.
  deadline: 'client-timeout-then-stops',
  abort: 'none',
  onAttempt: true,
  async make(policy, options, { url, clientTimeoutMs }) {
    const redisUrl = process.env['REDIS_URL'];
    if (redisUrl === undefined) throw new Error('the BullMQ runner needs REDIS_URL (a real redis-server): the contract runs every runner, it skips none');
    const connection = connectionOf(redisUrl);
    const name = `contract-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const jobs = bullmqRetry(policy, options);
    const queue = new Queue<JobData>(name, { connection, defaultJobOptions: jobs.jobOptions });
    const events = new QueueEvents(name, { connection });
    // Outcomes by job id: whichever comes first, the worker's event or the caller's wait for it.
    const finished = new Map<string, Outcome>();
    const waiting = new Map<string, (outcome: Outcome) => void>();
    const settle = (id: string, outcome: Outcome): void => {
      const resolve = waiting.get(id);
      if (resolve === undefined) finished.set(id, outcome);
      else resolve(outcome);
    };
    const worker = new Worker<JobData, JobResult>(
      name,
      jobs.processor(async (job: Job<JobData>) => {
        const response = await fetch(`${url}/${job.data.tag}`, clientTimeoutMs === undefined ? {} : { signal: AbortSignal.timeout(clientTimeoutMs) });
        // A failed Response is returned for the policy to read (its status, headers, body).
        if (!response.ok) return response as never;
        return { status: response.status, body: await response.text() };
      }),
      { connection, settings: jobs.settings },
    );
    worker.on('completed', (job, result) => settle(job.id!, { settled: 'resolved', status: result.status, body: result.body }));
    worker.on('failed', (job, error) => {
      // 'failed' fires for every failed run; a retry is a failure BullMQ backs off from, a stop is UnrecoverableError.
      if (job === undefined || !(error instanceof UnrecoverableError)) return;
      const cause = (error as { cause?: unknown }).cause;
      settle(job.id!, { settled: 'rejected', error, retryError: isRetryError(cause) ? cause : undefined });
    });
    await Promise.all([worker.waitUntilReady(), events.waitUntilReady()]);
    return {
      start: ({ tag = 'item', signal } = {}) => {
        if (signal !== undefined) throw new Error('BullMQ jobs take no signal: the abort scenario uses remove()');
        let added: Job<JobData> | undefined;
        const outcome = new Promise<Outcome>((resolve, reject) => {
          queue.add(tag, { tag }).then((job) => {
            added = job;
            const done = finished.get(job.id!);
            if (done === undefined) waiting.set(job.id!, resolve);
            else resolve(done);
          }, reject);
        });
        return {
          outcome,
          // Waits until the job is parked in delayed (its backoff), then removes it.
          remove: async () => {
            for (let i = 0; i < 400 && (added === undefined || (await added.getState()) !== 'delayed'); i++) await new Promise((r) => setTimeout(r, 5));
            if (added === undefined || (await added.getState()) !== 'delayed') throw new Error('the job never waited in delayed');
            await added.remove();
          },
        };
      },
      close: async () => {
        await worker.close();
        await events.close();
        await queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close();
      },
    };
  },
  tagOf: pathTag,
};

/** Every runner of the library: add an entry here, and the whole contract table runs against it. */
export const RUNNERS: readonly Runner[] = [engineWithRetry, engineRetry, axiosRunner, undiciRunner, awsRunner, bullmqRunner];
