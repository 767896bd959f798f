import { DynamoDBClient, GetItemCommand, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { policyRetryStrategy, retryErrorOf } from '../../src/adapters/aws.js';
import { definePolicy, retryBudget, TestClock, type GiveUpEvent, type RetryBudget, type RetryError, type RetryInfo } from '../../src/index.js';
import diagnostics_channel from 'node:diagnostics_channel';
import { startScriptServer, type Answer, type ScriptServer } from './http-script.js';

/**
 * policyRetryStrategy inside a real @aws-sdk/client-dynamodb client, against a local node:http
 * server that answers as DynamoDB does (AWS JSON 1.0: the error's `__type` and `message` in the
 * body, `x-amzn-RequestId` in the headers). The TestClock makes the strategy's waits instant.
 */
const dynamoPolicy = definePolicy({
  name: 'dynamodb',
  maxAttempts: 4,
  schedule: { type: 'exponential', baseMs: 50, capMs: 5000 },
  jitter: 'none',
  rules: [
    { id: 'throttled', match: { code: ['ThrottlingException', 'ProvisionedThroughputExceededException'] }, retry: true },
    { id: 'server', match: { status: '5xx' }, retry: true },
    { id: 'transport', match: { kind: ['network', 'timeout'] }, retry: true },
    { id: 'other', match: {}, retry: false },
  ],
});

const dynamoError = (status: number, type: string, requestId: string): Answer => ({
  status,
  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': requestId },
  body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: `${type} (test)` }),
});
const item: Answer = { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': 'ok-1' }, body: '{"Item":{"id":{"S":"42"}}}' };

let server: ScriptServer;
let clock: TestClock;
const retries: RetryInfo[] = [];

beforeAll(async () => {
  server = await startScriptServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  retries.length = 0;
  clock = new TestClock(Date.now());
});

function client(options: { budget?: RetryBudget } = {}): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: dynamoPolicy.maxAttempts,
    retryStrategy: policyRetryStrategy(dynamoPolicy, { clock, onRetry: (info) => retries.push(info), ...options }),
  });
}

const getItem = new GetItemCommand({ TableName: 'orders', Key: { id: { S: '42' } } });

describe('policyRetryStrategy: an AWS SDK v3 retry strategy driven by a policy', () => {
  it('retries ThrottlingException (400) on the policy\'s delays, then returns the item', async () => {
    server.answer(dynamoError(400, 'ThrottlingException', 'rid-1'), dynamoError(400, 'ThrottlingException', 'rid-2'), item);
    const output = await clock.run(client().send(getItem));
    expect(output.Item).toEqual({ id: { S: '42' } });
    expect(output.$metadata.attempts).toBe(3);
    // exponential from baseMs 50: 50 · 2^attempt
    expect(clock.sleeps).toEqual([100, 200]);
    expect(output.$metadata.totalRetryDelay).toBe(300);
    expect(retries.map((r) => [r.attempt, r.delayMs, r.failure.status, r.failure.code, r.failure.requestId, r.decision.rule.id])).toEqual([
      [1, 100, 400, 'ThrottlingException', 'rid-1', 'throttled'],
      [2, 200, 400, 'ThrottlingException', 'rid-2', 'throttled'],
    ]);
    // The SDK's own attempt header still counts, against the client's maxAttempts.
    expect(server.requests.map((r) => r.headers['amz-sdk-request'])).toEqual(['attempt=1; max=4', 'attempt=2; max=4', 'attempt=3; max=4']);
    expect(server.requests.every((r) => r.headers['x-amz-target'] === 'DynamoDB_20120810.GetItem')).toBe(true);
  });

  it('stops at once on a non-retryable error: the command rejects with the service error, the RetryError is found from it', async () => {
    server.answer(dynamoError(400, 'ValidationException', 'rid-v'));
    const error = await clock.run(client().send(getItem)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400, requestId: 'rid-v', attempts: 1 } });
    expect(server.requests).toHaveLength(1);
    const gaveUp = retryErrorOf(error);
    expect(gaveUp?.reason).toBe('not-retryable');
    expect(gaveUp?.cause).toBe(error);
    expect(gaveUp?.attempts).toMatchObject([{ attempt: 1, status: 400, code: 'ValidationException', requestId: 'rid-v', action: 'stop', rule: 'other' }]);
    expect(clock.sleeps).toEqual([]);
  });

  it('gives up after the policy\'s attempts, keeping the modelled exception class and the journal', async () => {
    const giveUps: RetryError[] = [];
    const listener = (message: unknown): void => void giveUps.push((message as GiveUpEvent).error);
    diagnostics_channel.subscribe('retry-table:giveup', listener);
    server.answer(dynamoError(400, 'ProvisionedThroughputExceededException', 'rid-p'));
    try {
      const error = await clock.run(client().send(getItem)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
      expect((error as ProvisionedThroughputExceededException).$metadata.attempts).toBe(4);
      expect(server.requests).toHaveLength(4);
      expect(clock.sleeps).toEqual([100, 200, 400]);
      const gaveUp = retryErrorOf(error)!;
      expect(gaveUp.reason).toBe('attempts-exhausted');
      expect(gaveUp.attempts.map((a) => [a.attempt, a.action, a.delayMs])).toEqual([
        [1, 'retry', 100],
        [2, 'retry', 200],
        [3, 'retry', 400],
        [4, 'stop', undefined],
      ]);
      expect(giveUps).toEqual([gaveUp]);
    } finally {
      diagnostics_channel.unsubscribe('retry-table:giveup', listener);
    }
  });

  it('retries a 500 and a dropped connection', async () => {
    server.answer(dynamoError(500, 'InternalServerError', 'rid-5'), 'drop', item);
    const output = await clock.run(client().send(getItem));
    expect(output.$metadata.attempts).toBe(3);
    // smithy's node-http-handler renames ECONNRESET, EPIPE and ETIMEDOUT errors TimeoutError.
    expect(retries.map((r) => [r.failure.kind, r.failure.code, r.decision.rule.id])).toEqual([
      ['http', 'InternalServerError', 'server'],
      ['timeout', 'ECONNRESET', 'transport'],
    ]);
  });

  it('asks the budget: a refusal stops with budget-exhausted, a success refunds what the retry took', async () => {
    const credited: number[] = [];
    const real = retryBudget({ type: 'aws-quota' });
    const refusing: RetryBudget = { ...real, requestRetry: async () => ({ allowed: false, taken: 0 }) };
    server.answer(dynamoError(400, 'ThrottlingException', 'rid-b'));
    const error = await clock.run(client({ budget: refusing }).send(getItem)).catch((e: unknown) => e);
    expect(retryErrorOf(error)?.reason).toBe('budget-exhausted');
    expect(server.requests).toHaveLength(1);

    const granting: RetryBudget = { ...real, recordSuccess: async (taken) => void credited.push(taken) };
    server.answer(dynamoError(400, 'ThrottlingException', 'rid-c'), item);
    await clock.run(client({ budget: granting }).send(getItem));
    expect(credited).toEqual([5]);
  });

  it('checks its options where given', () => {
    expect(() => policyRetryStrategy(dynamoPolicy, { maxElapsed: 1 } as never)).toThrow(/maxElapsed is not an option of policyRetryStrategy; did you mean maxElapsedMs\?/);
    expect(() => policyRetryStrategy(dynamoPolicy, { attemptTimeoutMs: 1 } as never)).toThrow(/attemptTimeoutMs is not an option of policyRetryStrategy/);
  });

  it('retryErrorOf is undefined for anything it did not stop', () => {
    expect(retryErrorOf(new Error('x'))).toBeUndefined();
    expect(retryErrorOf(undefined)).toBeUndefined();
  });
});
