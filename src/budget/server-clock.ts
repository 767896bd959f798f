/**
 * The local clock the Redis store measures against: monotonic, so a wall-clock step on this
 * machine (NTP, a user changing the time) cannot move a deadline. Milliseconds, fractional.
 *
 * @example
 * ```ts
 * const sentAt = monotonicMs();
 * ```
 */
export function monotonicMs(): number {
  return performance.now();
}

/**
 * Redis `TIME` (seconds and microseconds, as its reply gives them) in microseconds since the epoch.
 * A double holds these exactly until the year 2255.
 *
 * @example
 * ```ts
 * redisMicros(['1700000000', '250000']); // 1700000000250000
 * ```
 */
export function redisMicros(time: readonly [unknown, unknown]): number {
  return Number(time[0]) * 1_000_000 + Number(time[1]);
}

/**
 * How fast an estimate is assumed to go stale, in ms per ms: 1000 ppm, twice the most NTP slews
 * a clock by (500 ppm), so the two clocks drifting apart in opposite directions stay covered.
 */
const DRIFT = 1e-3;

/**
 * Where Redis's clock stands against this process's {@link monotonicMs}: the offset
 * `redisTime - localTime`, known to lie in an interval. A reply that read `TIME` between `sentAt`
 * and `receivedAt` (local) proves the offset is in `[server - receivedAt, server - sentAt]`; the
 * narrowest interval seen is kept, widened by {@link DRIFT} as it ages. A new sample replaces it
 * when it is at least as narrow, or when it contradicts it (Redis's clock stepped, or a failover
 * reached a server with another clock): a slow reply, from a busy event loop say, is wide and
 * changes nothing.
 *
 * The store uses the interval's *lower* bound to turn a local deadline into Redis time: if Redis
 * reads `TIME <= toServerMicros(d)`, the local clock then read at most `d`. That holds as long as
 * the true offset stays in the interval: Redis's clock does not step backwards, and drifts less
 * than 1 ms per second against ours.
 *
 * @example
 * ```ts
 * const clock = new ServerClock();
 * clock.sample(sentAt, monotonicMs(), redisMicros(reply));
 * const deadline = clock.toServerMicros(startedAt + 200, monotonicMs()); // pass to the script
 * ```
 */
export class ServerClock {
  private low = 0;
  private high = 0;
  private sampledAt = Number.NaN;

  /** Whether any sample was taken: without one, no deadline can be given in Redis time. */
  get known(): boolean {
    return !Number.isNaN(this.sampledAt);
  }

  /** The interval's width now, in ms (Infinity before the first sample): how uncertain a deadline is. */
  uncertaintyMs(nowMs: number): number {
    return this.known ? this.high - this.low + 2 * DRIFT * Math.max(0, nowMs - this.sampledAt) : Infinity;
  }

  /**
   * How much of {@link ServerClock.uncertaintyMs} is age rather than round trip (Infinity before
   * the first sample): what a fresh probe would take off. A wide but fresh interval (a slow
   * network, a loaded machine) is no better measured again, so it is not measured again.
   */
  stalenessMs(nowMs: number): number {
    return this.known ? 2 * DRIFT * Math.max(0, nowMs - this.sampledAt) : Infinity;
  }

  /** Takes one reading: Redis read `serverMicros` between `sentAt` and `receivedAt` (local ms). */
  sample(sentAt: number, receivedAt: number, serverMicros: number): void {
    if (!(Number.isFinite(serverMicros) && receivedAt >= sentAt)) return;
    const serverMs = serverMicros / 1000;
    const low = serverMs - receivedAt;
    const high = serverMs - sentAt;
    const widened = DRIFT * Math.max(0, receivedAt - this.sampledAt);
    const contradicts = !this.known || low > this.high + widened || high < this.low - widened;
    if (contradicts || high - low <= this.uncertaintyMs(receivedAt)) {
      this.low = low;
      this.high = high;
      this.sampledAt = receivedAt;
    }
  }

  /**
   * The latest Redis time (µs, whole) at which the local clock surely still read at most
   * `localMs`: the lower bound of the offset, aged to `nowMs`, added to `localMs`.
   */
  toServerMicros(localMs: number, nowMs: number): number {
    const low = this.low - DRIFT * Math.max(0, nowMs - this.sampledAt, localMs - this.sampledAt);
    return Math.floor((localMs + low) * 1000);
  }
}
