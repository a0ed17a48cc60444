/** A plain text table: columns padded to their widest cell, numbers right-aligned. */
export function renderTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((r) => r.map((c) => formatCell(c)));
  const widths = headers.map((h, k) => Math.max(h.length, ...cells.map((r) => (r[k] ?? '').length)));
  const numeric = headers.map((_, k) => rows.length > 0 && rows.every((r) => typeof r[k] === 'number' || r[k] === null || r[k] === undefined));
  const line = (r: readonly string[]) =>
    r.map((c, k) => (numeric[k] ? c.padStart(widths[k]) : c.padEnd(widths[k]))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatNumber(value);
  return String(value);
}

/**
 * Up to `digits` (default 10) significant digits, no exponent for everyday magnitudes, thousands not grouped
 * (copy-paste safe). Significant digits, not decimals, so a 0.00005123 price (BTC-quoted) stays readable.
 */
export function formatNumber(x: number, digits = 10): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  if (Math.abs(x) >= 1e15) return x.toExponential(Math.min(digits, 7) - 1).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return String(Number(x.toPrecision(digits)));
}

/** `x` rounded to `digits` significant digits (a number, for tables and JSON-like output). */
export function significant(x: unknown, digits = 8): unknown {
  return typeof x === 'number' && Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(digits)) : x;
}

/** Two columns, key and value, for a settings or metrics block. */
export function renderPairs(pairs: readonly (readonly [string, unknown])[]): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${formatCell(v)}`).join('\n');
}
