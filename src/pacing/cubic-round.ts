/**
 * Rounds to 8 decimals the way smithy's `DefaultRateLimiter.getPrecise` does,
 * `parseFloat(num.toFixed(8))`. It is applied to exactly the values smithy applies it to (the
 * measured rate, the CUBIC time window and both CUBIC rates, not the bucket's tokens or delays):
 * the published test vectors (9.64893601, 0.09333333) are these rounded numbers, and every later
 * step of the sequential vectors is computed from them, so skipping or adding a rounding anywhere
 * drifts from the AWS SDK by a few ulps and the vectors stop matching exactly.
 *
 * @example
 * ```ts
 * cubicRound(0.4 * 0.7 / 3); // 0.09333333
 * cubicRound(Math.cbrt(7.5)); // 1.95743382
 * ```
 */
export function cubicRound(num: number): number {
  return parseFloat(num.toFixed(8));
}
