import { cancelWake, wakeAfter, type Clock, type WakingClock } from './clock.js';
import type { Sleeper } from './timer-heap.js';

/**
 * Puts `sleeper` to sleep on `clock` for `ms`: on the clock's own heap when it has one (no
 * promise, no timer per sleep), else through its `sleep`, cancellable by {@link stopSleeping}.
 *
 * @example
 * ```ts
 * sleepOn(systemClock, call, 1000); // call.wake() in a second
 * ```
 */
export function sleepOn(clock: Clock, sleeper: Sleeper, ms: number, record = true): void {
  if (typeof (clock as Partial<WakingClock>)[wakeAfter] === 'function') {
    (clock as WakingClock)[wakeAfter](sleeper, ms, record);
    return;
  }
  // A clock of the user's own: one promise per sleep, cancelled through its signal.
  const controller = new AbortController();
  customSleeps.set(sleeper, controller);
  clock.sleep(ms, controller.signal).then(
    () => {
      if (customSleeps.get(sleeper) !== controller) return;
      customSleeps.delete(sleeper);
      sleeper.wake();
    },
    (error: unknown) => {
      if (customSleeps.get(sleeper) !== controller) return; // cancelled: the canceller settles the call
      customSleeps.delete(sleeper);
      sleeper.sleepFailed(error);
    },
  );
}

/**
 * Ends a sleep begun by {@link sleepOn} without waking the sleeper.
 *
 * @example
 * ```ts
 * stopSleeping(systemClock, call); // the call was aborted: it will not wake
 * ```
 */
export function stopSleeping(clock: Clock, sleeper: Sleeper): void {
  if (typeof (clock as Partial<WakingClock>)[cancelWake] === 'function') {
    (clock as WakingClock)[cancelWake](sleeper);
    return;
  }
  const controller = customSleeps.get(sleeper);
  customSleeps.delete(sleeper);
  controller?.abort();
}

/** The sleeps on clocks without a heap, kept aside so a sleeper carries no field for them. */
const customSleeps = new WeakMap<Sleeper, AbortController>();
