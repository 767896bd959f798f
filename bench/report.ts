import type { ResultRow } from './measure.js';

const formatNs = (ns: number | undefined): string =>
  ns === undefined ? '' : ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(1)} ns`;
const formatBytes = (bytes: number | undefined): string => (bytes === undefined ? '' : `${Math.round(bytes)} B`);
const formatRatio = (ratio: number | undefined): string => (ratio === undefined ? '' : `${ratio.toFixed(2)}×`);

/** The results as a Markdown table, one section per scenario. */
export function markdownTable(rows: readonly ResultRow[]): string {
  const lines = ['| Scenario | Contender | Median | Ratio to baseline | Memory per call | Note |', '| --- | --- | --- | --- | --- | --- |'];
  for (const row of rows) {
    lines.push(
      `| ${row.scenario} | ${row.contender} | ${formatNs(row.medianNs)} | ${formatRatio(row.ratio)} | ${formatBytes(row.bytesPerCall)} | ${row.note ?? ''} |`,
    );
  }
  return lines.join('\n');
}

/** The results as aligned plain text for the terminal. */
export function terminalTable(rows: readonly ResultRow[]): string {
  const cells = rows.map((row) => [row.contender, formatNs(row.medianNs), formatRatio(row.ratio), formatBytes(row.bytesPerCall), row.note ?? '']);
  const widths = [0, 1, 2, 3].map((column) => Math.max(...cells.map((cell) => cell[column]!.length)));
  const out: string[] = [];
  let scenario = '';
  rows.forEach((row, i) => {
    if (row.scenario !== scenario) {
      scenario = row.scenario;
      out.push('', scenario);
    }
    const cell = cells[i]!;
    out.push(`  ${cell[0]!.padEnd(widths[0]!)}  ${cell[1]!.padStart(widths[1]!)}  ${cell[2]!.padStart(widths[2]!)}  ${cell[3]!.padStart(widths[3]!)}  ${cell[4]}`);
  });
  return out.join('\n');
}
