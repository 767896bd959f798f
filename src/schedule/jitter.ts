/**
 * The jitter algorithms as pure functions of the scheduled delay and a random number in [0, 1).
 * They are exported so simulations and users' own schedulers use the very same code as `decide`.
 * None of them applies a cap: the caller caps after jitter.
 */

/**
 * AWS "Full Jitter": uniform in [0, delay).
 * @example
 * ```ts
 * fullJitter(1000, 0.25); // 250
 * ```
 */
export function fullJitter(delayMs: number, random: number): number {
  return random * delayMs;
}

/**
 * AWS "Equal Jitter": half the delay, plus uniform in [0, delay/2).
 * @example
 * ```ts
 * equalJitter(1000, 0.5); // 750
 * ```
 */
export function equalJitter(delayMs: number, random: number): number {
  return delayMs / 2 + (random * delayMs) / 2;
}

/**
 * AWS "Decorrelated Jitter": uniform in [base, 3 · previous), where `previous` is the previous
 * delay (the first time, `base`). Degenerates to `base` when 3 · previous ≤ base.
 * @example
 * ```ts
 * decorrelatedJitter(100, 100, 0.5); // 200: halfway between 100 and 300
 * ```
 */
export function decorrelatedJitter(baseMs: number, previousMs: number, random: number): number {
  const upper = Math.max(baseMs, previousMs * 3);
  return baseMs + random * (upper - baseMs);
}

/**
 * Additive jitter: the delay plus uniform in [0, maxMs), as in the scraper API's
 * `backoff + Math.random() * 1000`.
 * @example
 * ```ts
 * additiveJitter(2000, 1000, 0.5); // 2500
 * ```
 */
export function additiveJitter(delayMs: number, maxMs: number, random: number): number {
  return delayMs + random * maxMs;
}
