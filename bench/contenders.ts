import asyncRetry from 'async-retry';
import { ConstantBackoff, handleAll, retry as cockatielRetry } from 'cockatiel';
import { backOff } from 'exponential-backoff';
import pRetry from 'p-retry';
import { definePolicy, withRetry, type Policy } from './retry-table.js';

/**
 * Every contender configured the same way: retry any error, up to `retries` retries, waiting a
 * constant `delayMs` between attempts, no jitter. Each returns a function that runs `fn` under
 * that library's retry.
 */
export type Wrap = (fn: () => Promise<unknown>) => () => Promise<unknown>;

/** retry-table: a one-row policy, retry everything at a constant delay. */
export function constantPolicy(retries: number, delayMs: number): Policy {
  return definePolicy({
    name: `constant-${delayMs}`,
    maxAttempts: retries + 1,
    rules: [{ match: {}, retry: true, schedule: { type: 'constant', delayMs } }],
  });
}

export function contenders(retries: number, delayMs: number): [string, Wrap][] {
  const policy = constantPolicy(retries, delayMs);
  const cockatiel = cockatielRetry(handleAll, { maxAttempts: retries, backoff: new ConstantBackoff(delayMs) });
  return [
    ['retry-table withRetry', (fn) => withRetry(policy)(fn)],
    ['cockatiel 3', (fn) => () => cockatiel.execute(fn)],
    ['async-retry', (fn) => () => asyncRetry(fn, { retries, minTimeout: delayMs, maxTimeout: delayMs, factor: 1, randomize: false })],
    [
      'exponential-backoff',
      (fn) => () => backOff(fn, { numOfAttempts: retries + 1, startingDelay: delayMs, timeMultiple: 1, maxDelay: delayMs, jitter: 'none', delayFirstAttempt: false }),
    ],
    ['p-retry 7', (fn) => () => pRetry(fn, { retries, minTimeout: delayMs, maxTimeout: delayMs, factor: 1, randomize: false })],
  ];
}
