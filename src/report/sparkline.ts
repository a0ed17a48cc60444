/**
 * One-line charts for the terminal: a series drawn with the eight Unicode block characters, fitted to a width.
 * Used under the backtest report (equity) and free for any other series.
 */
import { formatNumber } from './table.js';

/** From lowest to highest. */
export const SPARK_LEVELS = '▁▂▃▄▅▆▇█';

/**
 * The series cut into `width` buckets of consecutive points (bucket k holds indexes floor(k n / width) up to
 * floor((k + 1) n / width) - 1), each drawn by its LAST value: for equity that is the value at the bucket's
 * end, so the line ends exactly on the final equity. A series no longer than `width` is kept whole.
 */
export function bucketLast(values: ArrayLike<number>, width: number): number[] {
  const n = values.length;
  const w = Math.max(0, Math.floor(width));
  if (n <= w) return Array.from(values);
  const out = new Array<number>(w);
  for (let k = 0; k < w; k++) out[k] = values[Math.floor(((k + 1) * n) / w) - 1];
  return out;
}

/**
 * `values` as at most `width` block characters, scaled from their lowest (▁) to their highest (█) finite value,
 * each rounded to the nearest of the eight levels. A flat series is drawn at the lowest level; a value that is
 * not finite is drawn as a space.
 */
export function sparkline(values: ArrayLike<number>, width: number): string {
  const points = bucketLast(values, width);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of points) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const top = SPARK_LEVELS.length - 1;
  return points
    .map((v) => {
      if (!Number.isFinite(v)) return ' ';
      const level = hi > lo ? Math.round(((v - lo) / (hi - lo)) * top) : 0;
      return SPARK_LEVELS[level];
    })
    .join('');
}

const money = (x: number) => formatNumber(Number.isFinite(x) ? Number(x.toFixed(2)) : x);

/**
 * "Equity 10000 ▁▂▄▆█ 12345.67": a label, the first value, the sparkline and the last value, the whole line at
 * most `columns` - 1 characters (a line filling the last column wraps on some terminals). Empty when there is
 * not room for at least 8 characters of chart, or nothing to draw.
 */
export function renderSparklineLine(label: string, values: ArrayLike<number>, columns: number): string {
  if (values.length === 0) return '';
  const first = money(values[0]);
  const last = money(values[values.length - 1]);
  const room = Math.floor(columns) - 1 - (label.length + first.length + last.length + 3);
  if (room < 8) return '';
  return `${label} ${first} ${sparkline(values, room)} ${last}`;
}

/** The width of the terminal stdout is, or undefined when stdout is not a terminal (piped or redirected). */
export function terminalColumns(stream: { isTTY?: boolean; columns?: number } = process.stdout): number | undefined {
  if (!stream.isTTY) return undefined;
  return stream.columns && stream.columns > 0 ? stream.columns : 80;
}
