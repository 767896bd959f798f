import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { contenders } from '../contenders.js';
import { SMOKE, type ResultRow } from '../measure.js';

const WORKER = fileURLToPath(new URL('../memory-worker.ts', import.meta.url));

function bytesPerCall(name: string, count: number): { bytesPerCall: number; sleeping: number } {
  const output = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', WORKER, name, String(count)], {
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').pop()!) as { bytesPerCall: number; sleeping: number };
}

/** Scenario 5: heap bytes per call sleeping in a backoff, 100,000 calls in flight, after gc. */
export function memory(): ResultRow[] {
  const count = SMOKE ? 2_000 : 100_000;
  const scenario = `5. memory: ${count.toLocaleString('en-US')} calls sleeping in a 60 s backoff`;
  const baseline = bytesPerCall('baseline', count);
  const rows: ResultRow[] = [
    { scenario, contender: 'baseline: await fn() failed, then one sleeping setTimeout promise', bytesPerCall: baseline.bytesPerCall, ratio: 1 },
  ];
  for (const [name] of contenders(1, 60_000)) {
    const measured = bytesPerCall(name, count);
    rows.push({
      scenario,
      contender: name,
      bytesPerCall: measured.bytesPerCall,
      ratio: measured.bytesPerCall / baseline.bytesPerCall,
      note: measured.sleeping < count ? `only ${measured.sleeping} timers pending` : undefined,
    });
  }
  return rows;
}
