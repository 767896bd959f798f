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
  /** Lowest–highest ratio over the rounds. */
  readonly spread?: string;
  /** The goal the issue sets for this row, and whether the median meets it. */
  readonly goal?: string;
  readonly met?: 'yes' | 'no';
  /** Further figures a scenario reports (bundle bytes, listener counts, ...). */
  readonly [figure: string]: unknown;
}

/** Whether this is the CI smoke run: a few iterations, so the code cannot rot; timings mean nothing. */
export const SMOKE = process.argv.includes('--smoke') || process.env['BENCH_SMOKE'] === '1';

/** Median ns per call of `fn` (sync or async), by mitata. */
export async function medianNs(fn: () => unknown): Promise<number> {
  const stats = await measure(fn, SMOKE ? { min_samples: 3, max_samples: 5, min_cpu_time: 1e6, warmup_samples: 1 } : { min_cpu_time: 5e8 });
  return stats.p50;
}

/**
 * Times a baseline and its contenders in one process, in rounds: each round measures the
 * baseline and then every contender, and a contender's ratio is taken to the baseline of its own
 * round. The reported figures are the medians over rounds, which absorbs much of the drift of a
 * shared machine.
 */
export async function compare(scenario: string, baseline: readonly [string, () => unknown], contenders: readonly (readonly [string, () => unknown])[]): Promise<ResultRow[]> {
  const rounds = SMOKE ? 1 : 3;
  const baselineNs: number[] = [];
  const times = contenders.map(() => [] as number[]);
  const ratios = contenders.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    const base = await medianNs(baseline[1]);
    baselineNs.push(base);
    for (const [i, [, fn]] of contenders.entries()) {
      const ns = await medianNs(fn);
      times[i]!.push(ns);
      ratios[i]!.push(ns / base);
    }
  }
  return [
    { scenario, contender: baseline[0], medianNs: median(baselineNs), ratio: 1 },
    ...contenders.map(([contender], i) => ({ scenario, contender, medianNs: median(times[i]!), ratio: median(ratios[i]!), spread: spread(ratios[i]!) })),
  ];
}

/** The lowest and highest ratio over the rounds, "1.21–1.34×": how far one run can be trusted. */
function spread(ratios: readonly number[]): string | undefined {
  if (ratios.length < 2) return undefined;
  return `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×`;
}

/**
 * Marks retry-table's rows of a scenario with the goal for them, and whether the median
 * meets it: the results say themselves which goals hold.
 */
export function withGoal(rows: readonly ResultRow[], goal: { readonly maxRatio?: number; readonly maxNs?: number }): ResultRow[] {
  return rows.map((row) => {
    if (!row.contender.startsWith('retry-table')) return row;
    if (goal.maxRatio !== undefined) return { ...row, goal: `≤ ${goal.maxRatio}×`, met: row.ratio !== undefined && row.ratio <= goal.maxRatio ? 'yes' : 'no' };
    if (goal.maxNs !== undefined && row.medianNs !== undefined) return { ...row, goal: `≤ ${goal.maxNs} ns`, met: row.medianNs <= goal.maxNs ? 'yes' : 'no' };
    return row;
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The machine and runtime, for the top of the report. */
export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; Node ${process.version} (${process.platform}/${process.arch})`;
}
