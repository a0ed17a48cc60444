import { UserError } from '../errors.js';

/** Which source column feeds each bar field; flags override the names guessed from the header. */
export interface ColumnMapping {
  time?: string;
  open?: string;
  high?: string;
  low?: string;
  close?: string;
  volume?: string;
}

export const MAPPED_FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
export type MappedField = (typeof MAPPED_FIELDS)[number];

const ALIASES: Record<MappedField, string[]> = {
  time: ['timestamp', 'time', 'date', 'datetime', 'ts', 'open_time', 'opentime', 'date_time', 'unix', 'epoch', 't'],
  open: ['open', 'o', 'open_price'],
  high: ['high', 'h', 'high_price'],
  low: ['low', 'l', 'low_price'],
  close: ['close', 'c', 'close_price', 'last', 'price'],
  volume: ['volume', 'v', 'vol', 'volume_base', 'base_volume', 'qty'],
};

/**
 * Resolves each bar field to a source column. Flags win; otherwise names are matched case-insensitively
 * against common aliases; a headerless file (DuckDB names its columns column0, column1, ...) is read
 * positionally as time, open, high, low, close[, volume]. Volume may be absent.
 */
export function mapColumns(columns: readonly string[], mapping: ColumnMapping, file: string, headerless: boolean): Record<MappedField, string | undefined> {
  const out = {} as Record<MappedField, string | undefined>;
  const byLower = new Map(columns.map((c) => [c.toLowerCase().trim(), c]));
  for (const [k, field] of MAPPED_FIELDS.entries()) {
    const flag = mapping[field];
    if (flag !== undefined) {
      const found = byLower.get(flag.toLowerCase().trim());
      if (!found) {
        throw new UserError(`Column "${flag}" (given by --${field}-column) is not in ${file}; its columns are: ${columns.join(', ')}.`, { exitCode: 1 });
      }
      out[field] = found;
      continue;
    }
    if (headerless) {
      out[field] = columns[k];
      continue;
    }
    const alias = ALIASES[field].find((a) => byLower.has(a));
    // The first column of a pandas CSV often has an empty name: it is the index, i.e. the time.
    out[field] = alias ? byLower.get(alias) : field === 'time' && /^(column0+|)$/.test(columns[0] ?? 'x') ? columns[0] : undefined;
  }
  for (const field of MAPPED_FIELDS) {
    if (field !== 'volume' && out[field] === undefined) {
      throw new UserError(`${file} has no ${field} column (columns: ${columns.join(', ')}): name it with --${field}-column NAME.`, { exitCode: 1 });
    }
  }
  return out;
}
