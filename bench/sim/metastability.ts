import { definePolicy, MemoryBudgetStore, type Failure } from '../../src/index.js';
import { compileBudgetDesign } from '../../src/budget/designs.js';
import { EventQueue } from './event-queue.js';
import { seededRandom } from './prng.js';

/**
 * Metastable failure from retries (Huang et al., OSDI 2022; Google SRE, "Handling Overload"):
 * a FIFO server of capacity 300 req/s; clients at 250 req/s (Poisson), each attempt timing out
 * after 1 s and retried by a policy (up to 3 retries, at once); the server keeps working on
 * requests whose client has gone (it cannot know). At `outageAt` its capacity drops to 0 for
 * `outageS` seconds. Goodput is answers that reached a waiting client, per second, over the
 * offered 250 calls/s. With a 10% retry budget (gRPC throttling, maxTokens 10, tokenRatio 0.1)
 * the retries stop when most attempts fail.
 */
export interface MetastabilityOptions {
  readonly outageS: number;
  readonly budget: boolean;
  /** Seconds simulated after the outage ends. @defaultValue 300 */
  readonly afterS?: number;
  readonly seed?: number;
}

const CAPACITY = 300;
const RATE = 250;
const TIMEOUT_MS = 1000;
const OUTAGE_AT_S = 10;
const TIMED_OUT: Failure = { kind: 'timeout' };

/** Goodput per second (fraction of the offered load answered in time), second by second. */
export function metastability(options: MetastabilityOptions): { goodput: number[]; recoveredAt: number } {
  const afterS = options.afterS ?? 300;
  const endMs = (OUTAGE_AT_S + options.outageS + afterS) * 1000;
  const outageEndMs = (OUTAGE_AT_S + options.outageS) * 1000;
  const policy = definePolicy({ name: 'timeouts', maxAttempts: 4, rules: [{ match: { kind: 'timeout' }, retry: true, schedule: { type: 'constant', delayMs: 0 } }] });
  // The library's budget store, used synchronously: the event loop here is the simulation's own.
  const design = compileBudgetDesign({ type: 'grpc', maxTokens: 10, tokenRatio: 0.1 });
  const store = new MemoryBudgetStore();
  const random = seededRandom(options.seed ?? 3);
  const queue = new EventQueue();
  const serviceMs = 1000 / CAPACITY;
  const answered = new Array<number>(Math.ceil(endMs / 1000)).fill(0);

  interface Request {
    readonly sentAt: number;
    readonly onAnswer: () => void;
  }
  const fifo: Request[] = [];
  let head = 0;
  let busy = false;
  const serveNext = (): void => {
    if (head === fifo.length) {
      busy = false;
      return;
    }
    busy = true;
    const now = queue.now;
    // During the outage nothing is served; service resumes when capacity returns.
    const start = now >= OUTAGE_AT_S * 1000 && now < outageEndMs ? outageEndMs : now;
    queue.at(start + serviceMs, () => {
      const request = fifo[head]!;
      fifo[head++] = undefined as unknown as Request; // let it be collected
      request.onAnswer();
      serveNext();
    });
  };
  const send = (request: Request): void => {
    fifo.push(request);
    if (!busy) serveNext();
  };

  const call = (): void => {
    let attempt = 0;
    const tryOnce = (): void => {
      attempt++;
      const sentAt = queue.now;
      let settled = false;
      send({
        sentAt,
        onAnswer: () => {
          if (settled) return; // the client gave up on this one: wasted work
          settled = true;
          answered[Math.floor(queue.now / 1000)]!++;
          if (options.budget) store.credit('fleet', design, 0);
        },
      });
      queue.at(sentAt + TIMEOUT_MS, () => {
        if (settled) return;
        settled = true;
        if (policy.decide(TIMED_OUT, { attempt }).action !== 'retry') return;
        if (options.budget && !store.spend('fleet', design, design.cost(TIMED_OUT)).allowed) return;
        tryOnce();
      });
    };
    tryOnce();
  };

  // Poisson arrivals at RATE per second until the end.
  const arrive = (): void => {
    call();
    const next = queue.now + (-Math.log(1 - random()) / RATE) * 1000;
    if (next < endMs) queue.at(next, arrive);
  };
  queue.at(0, arrive);
  queue.run();

  const goodput = answered.slice(0, Math.floor(endMs / 1000)).map((n) => n / RATE);
  // Seconds after the outage until goodput, averaged over 10 s (Poisson arrivals make single
  // seconds swing by ±6%), reaches 95% and stays there to the end.
  const end = OUTAGE_AT_S + options.outageS;
  const average = (from: number): number => goodput.slice(from, from + 10).reduce((a, b) => a + b, 0) / 10;
  let recoveredAt = Number.POSITIVE_INFINITY;
  for (let s = goodput.length - 10; s >= end && average(s) >= 0.95; s--) recoveredAt = s - end;
  return { goodput, recoveredAt };
}

export const OUTAGE_START_S = OUTAGE_AT_S;
