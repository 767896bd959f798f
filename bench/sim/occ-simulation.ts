import { definePolicy, type Failure, type JitterSpec, type Policy } from '../../src/index.js';
import { EventQueue } from './event-queue.js';
import { normal, seededRandom } from './prng.js';

/**
 * The model of Marc Brooker, "Exponential Backoff And Jitter" (AWS Architecture Blog, 2015) and
 * its simulator: N clients each update one row once, with optimistic concurrency (read the
 * version, write if unchanged, else back off and start over). Every network hop takes
 * |normal(10 ms, sd 2 ms)|; an attempt is 4 hops (read request, read reply, write request, write
 * reply); all clients start at t = 0; base 5 ms, cap 2000 ms; the attempt counter is incremented
 * before the sleep is computed; "calls" counts writes.
 */
export const STRATEGIES = ['exponential', 'full', 'equal', 'decorrelated', 'none'] as const;
export type Strategy = (typeof STRATEGIES)[number];

const BASE_MS = 5;
const CAP_MS = 2000;

/** Each strategy is a retry-table policy, so the study runs the library's own jitter code. */
function policyFor(strategy: Strategy): Policy {
  const jitter: Record<Exclude<Strategy, 'none'>, JitterSpec> = { exponential: 'none', full: 'full', equal: 'equal', decorrelated: 'decorrelated' };
  return definePolicy({
    name: `occ-${strategy}`,
    maxAttempts: 1000,
    maxDelayMs: CAP_MS,
    rules: [
      strategy === 'none'
        ? { match: {}, retry: true, schedule: { type: 'constant', delayMs: 0 } }
        : { match: {}, retry: true, schedule: { type: 'exponential', baseMs: BASE_MS, factor: 2, capMs: CAP_MS }, jitter: jitter[strategy] },
    ],
  });
}

const CONFLICT: Failure = { kind: 'http', status: 409, code: 'ConditionalCheckFailed' };

/** One run: the number of writes and the time when the last client finished, in ms. */
export interface RunResult {
  readonly calls: number;
  readonly timeMs: number;
}

/** Simulates N clients once with the given strategy and seed. */
export function simulate(clients: number, strategy: Strategy, seed: number): RunResult {
  const policy = policyFor(strategy);
  const random = seededRandom(seed);
  const hop = (): number => Math.abs(normal(random, 10, 2));
  const queue = new EventQueue();
  let version = 0;
  let calls = 0;

  const startClient = (): void => {
    let attempt = 0;
    let previousDelayMs: number | undefined;
    const read = (): void => {
      const seen = version;
      queue.at(queue.now + hop(), () => queue.at(queue.now + hop(), () => write(seen)));
    };
    const write = (expected: number): void => {
      calls++;
      const success = expected === version;
      if (success) version++;
      queue.at(queue.now + hop(), () => {
        if (success) return;
        attempt++;
        const decision = policy.decide(CONFLICT, { attempt, random: random(), previousDelayMs });
        if (decision.action !== 'retry') throw new Error(`the study's policy stopped: ${decision.reason}`);
        previousDelayMs = decision.delayMs;
        queue.at(queue.now + hop() + decision.delayMs, read);
      });
    };
    queue.at(hop(), read);
  };
  for (let i = 0; i < clients; i++) startClient();
  const timeMs = queue.run();
  return { calls, timeMs };
}

/** The mean calls and completion time over `runs` seeded runs. */
export function study(clients: number, strategy: Strategy, runs: number, seed = 1): RunResult {
  let calls = 0;
  let timeMs = 0;
  for (let run = 0; run < runs; run++) {
    const result = simulate(clients, strategy, seed * 1_000_003 + run * 7919 + clients);
    calls += result.calls;
    timeMs += result.timeMs;
  }
  return { calls: calls / runs, timeMs: timeMs / runs };
}
