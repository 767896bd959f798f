/** The largest delay a JS timer can hold: `setTimeout` fires at once for anything above it. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;
