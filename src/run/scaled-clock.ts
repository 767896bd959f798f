import { OptionsError } from '../shared/options-error.js';
import { cancelWake, systemClock, wakeAfter, withWaking, type Clock, type WakingClock } from './clock.js';

/**
 * A real clock running `speed` times faster: every sleep lasts `ms / speed` real milliseconds
 * and `now()` reads the matching virtual time. For demos and soak runs that should show real
 * schedules (a 60 s backoff) without taking real minutes. Server hints and quota resets are
 * compared with the same virtual time, so the schedule stays consistent.
 *
 * @param speed - how many virtual milliseconds pass per real millisecond
 * @param base - the clock being sped up @defaultValue {@link systemClock}
 * @example
 * ```ts
 * const call = withRetry(scraperPolicy, { clock: scaledClock(20) })(fetchProduct); // a 60 s wait takes 3 s
 * ```
 */
export function scaledClock(speed: number, base: Clock = systemClock): Clock {
  if (!(speed > 0 && Number.isFinite(speed))) throw new OptionsError('speed', speed, 'must be a finite number above 0');
  const origin = base.now();
  const scaled: Clock = {
    now: () => origin + (base.now() - origin) * speed,
    sleep: (ms, signal) => base.sleep(ms / speed, signal),
  };
  const waking = base as Partial<WakingClock>;
  if (typeof waking[wakeAfter] !== 'function' || typeof waking[cancelWake] !== 'function') return scaled;
  // Sleeping calls stay on the base clock's heap: no promise per sleep at any speed.
  return withWaking(
    scaled,
    (sleeper, ms) => waking[wakeAfter]!(sleeper, ms / speed),
    (sleeper) => waking[cancelWake]!(sleeper),
  );
}
