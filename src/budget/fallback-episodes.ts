import type { BudgetStore } from './budget-store.js';
import type { BudgetRules } from './designs.js';

/**
 * Starts the Redis store's local fallback from what Redis last said, once per outage. An outage
 * of a key (an episode) begins with the first operation on it that Redis cannot answer, and ends
 * with the next one Redis answers. At its start the fallback's bucket is set to
 * `min(floor(fraction × last seen level), what the fallback bucket holds)`:
 *
 * - from the last seen level, so a process falling back when the shared bucket is nearly empty
 *   does not grant a full bucket of retries on its own;
 * - never above what it holds, so what one outage spent is not granted again by the next: the
 *   fallback bucket only refills through credits (the store also credits it with this process's
 *   successes that Redis recorded).
 *
 * So, over its lifetime, a process's fallback grants at most `floor(fraction × the first level
 * it fell back from)` plus what its own successes gave back: one burst per process, not one per
 * outage. A fallback store without `setLevel` is used as it is.
 *
 * @example
 * ```ts
 * const episodes = new FallbackEpisodes(new MemoryBudgetStore(), 1);
 * await episodes.begin('seller-1', rules, 480); // the fallback now holds 480
 * episodes.end('seller-1'); // Redis answered again
 * ```
 */
export class FallbackEpisodes {
  /** One seeding per key and outage; every fallback operation of the outage waits for it. */
  private readonly seeding = new Map<string, Promise<void>>();

  constructor(
    private readonly fallback: BudgetStore,
    private readonly fraction: number,
  ) {}

  /** Before the fallback answers for `key`: seeds it if this is the outage's first operation. */
  begin(key: string, design: BudgetRules, lastSeen: number | undefined): Promise<void> {
    let seeded = this.seeding.get(key);
    if (seeded === undefined) {
      seeded = this.seed(key, design, lastSeen);
      this.seeding.set(key, seeded);
    }
    return seeded;
  }

  /** Redis answered for `key`: the next fallback starts a new outage. */
  end(key: string): void {
    this.seeding.delete(key);
  }

  private async seed(key: string, design: BudgetRules, lastSeen: number | undefined): Promise<void> {
    if (typeof this.fallback.setLevel !== 'function') return;
    try {
      const start = Math.floor(Math.min(design.full, lastSeen ?? design.full) * this.fraction);
      const held = await this.fallback.level(key, design);
      await this.fallback.setLevel(key, Math.min(start, held));
    } catch {
      // A fallback that cannot be seeded answers from what it holds: still an answer, never a hang.
    }
  }
}
