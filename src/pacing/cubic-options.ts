import { checkOptionKeys } from '../shared/option-keys.js';
import { OptionsError } from '../shared/options-error.js';
import { isFiniteNumber } from '../shared/validate.js';

/**
 * The tuning of the CUBIC send-rate limiter, named and defaulted exactly as smithy-typescript's
 * `DefaultRateLimiterOptions` (packages/core/src/submodules/retry/util-retry/DefaultRateLimiter.ts,
 * at commit 6815d3e9), so settings can be carried over from an AWS SDK client unchanged. Rates
 * are in tokens (requests) per second; one request takes one token.
 *
 * @example
 * ```ts
 * const gentle: CubicRateOptions = { beta: 0.8, minFillRate: 1 };
 * createCubicRate(0, gentle).fillRate; // 1
 * ```
 */
export interface CubicRateOptions {
  /** How much of the rate survives a throttle (multiplicative decrease), in (0, 1). Default 0.7. */
  readonly beta?: number;
  /** The smallest bucket capacity, in tokens; at least 1. Default 1. */
  readonly minCapacity?: number;
  /** The slowest fill rate, in tokens per second; above 0. Default 0.5. */
  readonly minFillRate?: number;
  /** How steeply the CUBIC curve recovers after a throttle; above 0. Default 0.4. */
  readonly scaleConstant?: number;
  /** Weight of the newest half-second bucket in the measured send rate, in (0, 1]. Default 0.8. */
  readonly smooth?: number;
}

/**
 * {@link CubicRateOptions} with every default filled in and checked, as a state carries them.
 *
 * @example
 * ```ts
 * const constants: CubicConstants = resolveCubicOptions({ beta: 0.5 });
 * constants.scaleConstant; // 0.4
 * ```
 */
export type CubicConstants = Required<CubicRateOptions>;

/**
 * smithy's defaults (the AWS SDK's "adaptive" retry mode uses exactly these).
 *
 * @example
 * ```ts
 * CUBIC_DEFAULTS.beta; // 0.7
 * ```
 */
export const CUBIC_DEFAULTS: CubicConstants = { beta: 0.7, minCapacity: 1, minFillRate: 0.5, scaleConstant: 0.4, smooth: 0.8 };

const KEYS = /* @__PURE__ */ Object.keys(CUBIC_DEFAULTS);

/**
 * Fills in the defaults and rejects values the algorithm cannot run with. smithy checks none;
 * these bounds are retry-table's, each for a failure smithy would hit silently: a `minFillRate`
 * of 0 divides the delay by zero, a `minCapacity` below 1 makes a bucket that can never hold the
 * one token a request needs (the wait never ends), a `beta` of 1 or more lets a throttle keep or
 * raise the rate, and a `smooth` of 0 never measures anything.
 *
 * @throws {@link OptionsError} for an unknown key or a value out of bounds
 * @example
 * ```ts
 * resolveCubicOptions(); // CUBIC_DEFAULTS
 * resolveCubicOptions({ minCapacity: 0.5 }); // throws OptionsError: minCapacity must be ...
 * ```
 */
export function resolveCubicOptions(options?: CubicRateOptions): CubicConstants {
  checkOptionKeys('createCubicRate', options, KEYS);
  const resolved = { ...CUBIC_DEFAULTS, ...withoutUndefined(options) };
  check('beta', resolved.beta, resolved.beta > 0 && resolved.beta < 1, 'must be a number above 0 and below 1');
  check('minCapacity', resolved.minCapacity, resolved.minCapacity >= 1, 'must be a number of tokens, 1 or more');
  check('minFillRate', resolved.minFillRate, resolved.minFillRate > 0, 'must be a number of tokens per second above 0');
  check('scaleConstant', resolved.scaleConstant, resolved.scaleConstant > 0, 'must be a number above 0');
  check('smooth', resolved.smooth, resolved.smooth > 0 && resolved.smooth <= 1, 'must be a number above 0, at most 1');
  return resolved;
}

/** `{ beta: undefined }` means "the default", as `options?.beta ?? 0.7` does in smithy. */
function withoutUndefined(options: CubicRateOptions | undefined): CubicRateOptions {
  return Object.fromEntries(Object.entries(options ?? {}).filter(([, value]) => value !== undefined));
}

function check(option: string, value: unknown, inBounds: boolean, problem: string): void {
  // isFiniteNumber first: the bounds compare NaN and strings as false or by coercion.
  if (!isFiniteNumber(value) || !inBounds) throw new OptionsError(option, value, problem);
}
