import { cpus, totalmem } from 'node:os';
import { measure } from 'mitata';

/** One line of the results table. */
export interface ResultRow {
  readonly scenario: string;
  readonly contender: string;
  /** Median time per operation, in ns (absent for memory rows). */
  readonly medianNs?: number;
  /** The contender's median divided by the scenario's baseline median (or bytes over baseline bytes). */
  readonly ratio?: number;
  /** Heap bytes per in-flight call, after gc (memory scenario only). */
  readonly bytesPerCall?: number;
  readonly note?: string;
}

/** Whether this is the CI smoke run: a few iterations, so the code cannot rot; timings mean nothing. */
export const SMOKE = process.argv.includes('--smoke') || process.env['BENCH_SMOKE'] === '1';

/** Median ns per call of `fn` (sync or async), by mitata. */
export async function medianNs(fn: () => unknown): Promise<number> {
  const stats = await measure(fn, SMOKE ? { min_samples: 3, max_samples: 5, min_cpu_time: 1e6, warmup_samples: 1 } : { min_cpu_time: 1e9 });
  return stats.p50;
}

/**
 * Times a baseline and its contenders in one process, the baseline both first and last: the
 * ratio uses the mean of the two, which absorbs some of the drift of a shared machine.
 */
export async function compare(scenario: string, baseline: readonly [string, () => unknown], contenders: readonly (readonly [string, () => unknown])[]): Promise<ResultRow[]> {
  const before = await medianNs(baseline[1]);
  const timed: [string, number][] = [];
  for (const [name, fn] of contenders) timed.push([name, await medianNs(fn)]);
  const after = await medianNs(baseline[1]);
  const base = (before + after) / 2;
  return [
    { scenario, contender: baseline[0], medianNs: base, ratio: 1 },
    ...timed.map(([contender, ns]) => ({ scenario, contender, medianNs: ns, ratio: ns / base })),
  ];
}

/** The machine and runtime, for the top of the report. */
export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; Node ${process.version} (${process.platform}/${process.arch})`;
}
