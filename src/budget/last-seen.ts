/**
 * The newest level Redis reported for each bucket, by Redis's own clock (replies can come back
 * out of order across connections; the one Redis produced last wins), with when it arrived here.
 * The Redis store starts its local fallback from it, and hands it to Redis as the level of a
 * bucket that vanished (a restart without persistence), so neither grants a fresh full bucket.
 *
 * @example
 * ```ts
 * const seen = new LastSeenLevels();
 * seen.note('seller-1', 480, serverMicros, monotonicMs());
 * seen.level('seller-1', monotonicMs(), 86_400_000); // 480
 * ```
 */
export class LastSeenLevels {
  private readonly levels = new Map<string, { readonly level: number; readonly serverMicros: number; readonly receivedAt: number }>();

  /** Records a level Redis read at `serverMicros` (its clock), received at `receivedAt` (ours). */
  note(key: string, level: number, serverMicros: number, receivedAt: number): void {
    if (!Number.isFinite(level)) return;
    const known = this.levels.get(key);
    if (known === undefined || serverMicros >= known.serverMicros) this.levels.set(key, { level, serverMicros, receivedAt });
  }

  /**
   * The newest level seen for `key`, or undefined when none was seen within `maxAgeMs` (the
   * bucket's idle expiry: a bucket nobody touched that long expired by itself, and starts full).
   */
  level(key: string, nowMs: number, maxAgeMs: number): number | undefined {
    const known = this.levels.get(key);
    return known !== undefined && nowMs - known.receivedAt < maxAgeMs ? known.level : undefined;
  }
}
