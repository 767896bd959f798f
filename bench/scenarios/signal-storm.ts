import { getEventListeners } from 'node:events';
import { ConstantBackoff, handleAll, retry as cockatielRetry } from 'cockatiel';
import { withRetry } from '../retry-table.js';
import { constantPolicy } from '../contenders.js';
import { SMOKE, type ResultRow } from '../measure.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Starts `count` calls that fail once and sleep in a 60 s backoff, then aborts them: either all
 * through one signal given to the wrapper, or each through its own. Returns the listeners the
 * shared signal carried while they slept, the warnings Node printed, and how long the abort took
 * until every call had settled.
 */
async function storm(count: number, shared: boolean, library: 'retry-table' | 'cockatiel'): Promise<{ ms: number; listeners: number; warnings: number }> {
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning);
  process.on('warning', onWarning);
  try {
    let failures = 0;
    const fn = async (): Promise<never> => {
      failures++;
      throw Object.assign(new Error('busy'), { status: 503 });
    };
    const one = new AbortController();
    const own = shared ? [] : Array.from({ length: count }, () => new AbortController());
    let calls: Promise<unknown>[];
    if (library === 'retry-table') {
      const policy = constantPolicy(1, 60_000);
      if (shared) {
        const call = withRetry(policy, { signal: one.signal })(fn);
        calls = Array.from({ length: count }, () => call().catch(() => undefined));
      } else {
        calls = own.map((controller) => withRetry(policy, { signal: controller.signal })(fn)().catch(() => undefined));
      }
    } else {
      const policy = cockatielRetry(handleAll, { maxAttempts: 1, backoff: new ConstantBackoff(60_000) });
      calls = Array.from({ length: count }, (_, i) => policy.execute(fn, shared ? one.signal : own[i]!.signal).catch(() => undefined));
    }
    while (failures < count) await turn();
    for (let i = 0; i < 5; i++) await turn();
    const listeners = getEventListeners(one.signal, 'abort').length;
    const started = performance.now();
    if (shared) one.abort(new Error('shutting down'));
    else for (const controller of own) controller.abort(new Error('shutting down'));
    await Promise.all(calls);
    const ms = performance.now() - started;
    await turn();
    return { ms, listeners, warnings: warnings.filter((w) => w.name === 'MaxListenersExceededWarning').length };
  } finally {
    process.off('warning', onWarning);
  }
}

/**
 * Scenario 6: one `signal` shared by every call of a wrapper (a worker's shutdown signal), with
 * N calls sleeping, then aborted. Baseline: the same calls each with a signal of their own. The
 * figures: the abort's time until every call settled (ratio to the baseline), and the listeners
 * the shared signal carried (the goal: O(1), no MaxListenersExceededWarning at 100k calls).
 * cockatiel runs here too when asked (`storm(n, shared, 'cockatiel')`), to show its abort does
 * not end a sleeping backoff.
 */
export async function signalStorm(): Promise<ResultRow[]> {
  const count = SMOKE ? 2_000 : 100_000;
  const scenario = `6. abort storm: ${count.toLocaleString('en-US')} sleeping calls sharing one signal`;
  const rows: ResultRow[] = [];
  // cockatiel 3 is left out: an abort does not end its backoff sleep (measured: its calls settle
  // when the 60 s wait is over), so there is no storm to time.
  for (const library of ['retry-table'] as const) {
    const baseline = await storm(count, false, library);
    const sharedRun = await storm(count, true, library);
    const name = library === 'retry-table' ? 'retry-table withRetry' : 'cockatiel 3';
    rows.push({ scenario, contender: `baseline: ${name}, a signal per call`, medianNs: (baseline.ms * 1e6) / count, ratio: 1 });
    const ours = library === 'retry-table';
    rows.push({
      scenario,
      contender: `${name}, one shared signal`,
      medianNs: (sharedRun.ms * 1e6) / count,
      ratio: sharedRun.ms / baseline.ms,
      listeners: sharedRun.listeners,
      warnings: sharedRun.warnings,
      ...(ours ? { goal: 'O(1) listeners, no warning', met: sharedRun.listeners <= 1 && sharedRun.warnings === 0 ? 'yes' : 'no' } : {}),
      note: `${sharedRun.listeners} listener(s) on the shared signal, ${sharedRun.warnings} MaxListenersExceeded warning(s); abort to all settled: ${sharedRun.ms.toFixed(0)} ms (own signals: ${baseline.ms.toFixed(0)} ms); time per call`,
    });
  }
  return rows;
}
