import { safeGet } from './safe-read.js';

/** How deep the chain is followed: chains can be cyclic, and a real one is a handful of nodes. */
const MAX_CHAIN_NODES = 32;

/**
 * The error and everything reachable through `cause` and `AggregateError.errors`, breadth first
 * (the root first), at most 32 nodes, each once. `fetch` in Node throws `TypeError('fetch
 * failed')` with the socket error in `cause`, and happy eyeballs wraps one error per address in
 * an `AggregateError`, so the answer is often a level or two down.
 *
 * @example
 * ```ts
 * const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
 * causeChain(new TypeError('fetch failed', { cause: reset })); // [the TypeError, reset]
 * ```
 */
export function causeChain(root: object): object[] {
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
