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

/** Up to 10 significant digits, no exponent for everyday magnitudes, thousands not grouped (copy-paste safe). */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 1e15 || abs < 1e-6) return x.toExponential(6);
  return String(Number(x.toPrecision(10)));
}

/** Two columns, key and value, for a settings or metrics block. */
export function renderPairs(pairs: readonly (readonly [string, unknown])[]): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${formatCell(v)}`).join('\n');
}
