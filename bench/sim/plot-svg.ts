/** One line of a chart: a name, a colour and its points. */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [x: number, y: number])[];
}

/** A panel: a title, axis labels and its lines. */
export interface Panel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
}

const WIDTH = 460;
const HEIGHT = 320;
const MARGIN = { left: 64, right: 16, top: 32, bottom: 44 };

/**
 * Renders panels side by side as a self-contained SVG line chart. Hand-written rather than a
 * plotting dependency: the charts are small and must render on GitHub as they are.
 */
export function lineChartsSvg(panels: readonly Panel[]): string {
  const body = panels.map((panel, i) => `<g transform="translate(${i * WIDTH},0)">${panelSvg(panel)}</g>`).join('\n');
  const legend = panels[0]!.series
    .map((s, i) => `<g transform="translate(${MARGIN.left + i * 175},${HEIGHT + 8})"><rect width="14" height="4" y="-4" fill="${s.color}"/><text x="20" font-size="12">${escape(s.name)}</text></g>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${panels.length * WIDTH}" height="${HEIGHT + 24}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="white"/>
${body}
${legend}
</svg>
`;
}

function panelSvg(panel: Panel): string {
  const xs = panel.series.flatMap((s) => s.points.map(([x]) => x));
  const ys = panel.series.flatMap((s) => s.points.map(([, y]) => y));
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  const yMax = niceCeiling(Math.max(...ys));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (x: number): number => MARGIN.left + ((x - xMin) / (xMax - xMin || 1)) * plotW;
  const py = (y: number): number => MARGIN.top + plotH - (y / yMax) * plotH;
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * yMax);
  const xTicks = [...new Set(xs)].filter((_, i, all) => i % Math.ceil(all.length / 8) === 0);
  const grid = yTicks
    .map((y) => `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/><text x="${MARGIN.left - 6}" y="${py(y) + 4}" text-anchor="end">${formatTick(y)}</text>`)
    .join('');
  const xAxis = xTicks.map((x) => `<text x="${px(x)}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${x}</text>`).join('');
  const lines = panel.series
    .map((s) => `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`)
    .join('');
  return `<text x="${MARGIN.left}" y="18" font-size="13" font-weight="bold">${escape(panel.title)}</text>
${grid}${xAxis}${lines}
<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 8}" text-anchor="middle">${escape(panel.xLabel)}</text>
<text transform="translate(14,${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(panel.yLabel)}</text>`;
}

/** The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 × a power of ten that is at least `value`. */
function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value || 1));
  const step = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((m) => m * magnitude >= value)!;
  return step * magnitude;
}

function formatTick(value: number): string {
  if (value >= 1000) return `${value / 1000}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}
