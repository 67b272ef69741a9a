/**
 * A horizontal bar chart as an SVG string, drawn on the server so it reads without JavaScript.
 * Written here rather than taken from a chart library: the ones in the registry draw in the browser
 * or bring a DOM; this is forty lines of arithmetic and escaping. Pure.
 */

export interface Bar {
  label: string;
  value: number;
}

export interface BarChartOptions {
  /** Read by screen readers as the chart's name (<title>). */
  title: string;
  /** Pixels; the bars take what the labels leave. */
  width?: number;
}

const ROW = 22;
const BAR = 16;
const LABEL_WIDTH = 180;
const VALUE_WIDTH = 70;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Long labels are cut (the table beside the chart has them whole). */
function shorten(label: string, max = 28): string {
  const chars = [...label];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : label;
}

export function renderBarChart(bars: readonly Bar[], options: BarChartOptions): string {
  const width = options.width ?? 560;
  const height = Math.max(1, bars.length) * ROW + 4;
  const largest = Math.max(1, ...bars.map((bar) => bar.value));
  const room = width - LABEL_WIDTH - VALUE_WIDTH;
  const rows = bars.map((bar, i) => {
    const y = i * ROW + 2;
    const length = bar.value > 0 ? Math.max(1, Math.round((bar.value / largest) * room)) : 0;
    return (
      `<g><text x="${LABEL_WIDTH - 6}" y="${y + BAR - 4}" text-anchor="end">${escapeXml(shorten(bar.label))}</text>` +
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${length}" height="${BAR}" class="bar"/>` +
      `<text x="${LABEL_WIDTH + length + 4}" y="${y + BAR - 4}">${bar.value}</text></g>`
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-size="12">` +
    `<title>${escapeXml(options.title)}</title>${rows.join('')}</svg>`
  );
}
