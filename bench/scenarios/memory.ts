import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { contenders } from '../contenders.js';
import { SMOKE, type ResultRow } from '../measure.js';

const WORKER = fileURLToPath(new URL('../memory-worker.ts', import.meta.url));

/** The goal: a sleeping call holds at most 1.2× what the bare sleeping call does. */
const GOAL_RATIO = 1.2;

function bytesPerCall(name: string, count: number, shape: 'shared' | 'fresh'): { bytesPerCall: number; sleeping: number } {
  const output = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', WORKER, name, String(count), shape], {
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').pop()!) as { bytesPerCall: number; sleeping: number };
}

/**
 * Scenario 5: heap bytes per call sleeping in a 60 s backoff, 100,000 calls in flight, after gc;
 * each call in its own child process per contender. Twice: every call throwing one shared Error
 * (the least a call can hold), and each throwing its own Error from a few frames deep (what a
 * real client does: a library that keeps the failed attempt's Error while sleeping pays for its
 * stack). Baseline: `fn().catch(() => sleep(60 s).then(fn))`, the bare sleeping call.
 */
export function memory(): ResultRow[] {
  const count = SMOKE ? 2_000 : 100_000;
  const rows: ResultRow[] = [];
  for (const shape of ['fresh', 'shared'] as const) {
    const scenario = `5. memory: ${count.toLocaleString('en-US')} calls sleeping in a 60 s backoff, ${shape === 'fresh' ? 'each throwing its own Error' : 'all throwing one shared Error'}`;
    const baseline = bytesPerCall('baseline', count, shape);
    rows.push({ scenario, contender: 'baseline: fn().catch(() => sleep(60 s).then(fn))', bytesPerCall: baseline.bytesPerCall, ratio: 1 });
    const written = bytesPerCall('baseline-async', count, shape);
    rows.push({ scenario, contender: 'the same as an async function (try / await / catch)', bytesPerCall: written.bytesPerCall, ratio: written.bytesPerCall / baseline.bytesPerCall });
    for (const [name] of contenders(1, 60_000)) {
      const measured = bytesPerCall(name, count, shape);
      const ratio = measured.bytesPerCall / baseline.bytesPerCall;
      const ours = name.startsWith('retry-table');
      rows.push({
        scenario,
        contender: name,
        bytesPerCall: measured.bytesPerCall,
        ratio,
        ...(ours ? { goal: `≤ ${GOAL_RATIO}×`, met: ratio <= GOAL_RATIO ? 'yes' : 'no' } : {}),
        note: measured.sleeping < count && !ours ? `only ${measured.sleeping} timers pending` : ours ? `${measured.sleeping} platform timer(s) for ${count.toLocaleString('en-US')} sleeping calls` : undefined,
      });
    }
  }
  return rows;
}
