import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { DuckDBValue } from '@duckdb/node-api';
import { quote, Store } from './store.js';
import { UserError } from '../errors.js';

/** One output column. `time` columns hold epoch ms and are written as timestamps (ISO-8601 UTC in CSV). */
export interface OutputColumn {
  name: string;
  values: ArrayLike<number> | readonly (string | null)[];
  kind?: 'time' | 'number' | 'integer' | 'text';
}

export type OutputFormat = 'csv' | 'parquet' | 'arrow';
const FORMATS: Record<string, OutputFormat> = { '.csv': 'csv', '.parquet': 'parquet', '.arrow': 'arrow', '.feather': 'arrow', '.ipc': 'arrow' };

export function outputFormat(path: string): OutputFormat {
  const format = FORMATS[extname(path).toLowerCase()];
  if (!format) throw new UserError(`Cannot tell the output format of ${path}: end it in .csv, .parquet or .arrow.`);
  return format;
}

const kindOf = (c: OutputColumn) => c.kind ?? (Array.isArray(c.values) ? 'text' : 'number');

/** Writes columns to CSV or Parquet (through DuckDB) or Arrow IPC (through apache-arrow). */
export async function writeColumns(path: string, columns: readonly OutputColumn[], format: OutputFormat = outputFormat(path)): Promise<void> {
  try {
    if (format === 'arrow') return await writeArrow(path, columns);
    const store = await Store.open(':memory:');
    try {
      const types = columns.map((c) => ({ time: 'BIGINT', number: 'DOUBLE', integer: 'BIGINT', text: 'VARCHAR' })[kindOf(c)]);
      await store.run(`CREATE TABLE out (${columns.map((c, k) => `${quote(c.name)} ${types[k]}`).join(', ')})`);
      const appender = await store.connection.createAppender('out');
      const n = columns[0]?.values.length ?? 0;
      for (let i = 0; i < n; i++) {
        for (const c of columns) {
          const v = c.values[i] as DuckDBValue;
          const kind = kindOf(c);
          if (v === null || (typeof v === 'number' && Number.isNaN(v) && kind !== 'number')) appender.appendNull();
          else if (kind === 'text') appender.appendVarchar(String(v));
          else if (kind === 'number') appender.appendDouble(v as number);
          else appender.appendBigInt(BigInt(Math.round(v as number)));
        }
        appender.endRow();
      }
      appender.closeSync();
      const select = columns
        .map((c) => {
          const name = quote(c.name);
          if (kindOf(c) !== 'time') return name;
          // CSV gets the same ISO-8601 UTC text that rrr reads back; Parquet a real TIMESTAMP.
          return format === 'csv' ? `strftime(make_timestamp(${name} * 1000), '%Y-%m-%dT%H:%M:%SZ') AS ${name}` : `make_timestamp(${name} * 1000) AS ${name}`;
        })
        .join(', ');
      await store.run(`COPY (SELECT ${select} FROM out ORDER BY rowid) TO '${path.replace(/'/g, "''")}' (FORMAT ${format === 'csv' ? 'csv, HEADER true' : 'parquet'})`);
    } finally {
      store.close();
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`Cannot write ${path}: ${String((error as Error).message).split('\n')[0]}.`, { exitCode: 1, cause: error });
  }
}

async function writeArrow(path: string, columns: readonly OutputColumn[]): Promise<void> {
  const arrow = await import('apache-arrow');
  const vectors: Record<string, import('apache-arrow').Vector> = {};
  for (const c of columns) {
    const kind = kindOf(c);
    if (kind === 'time') vectors[c.name] = arrow.vectorFromArray(Array.from(c.values as ArrayLike<number>, (t) => new Date(t)), new arrow.TimestampMillisecond());
    else if (kind === 'text') vectors[c.name] = arrow.vectorFromArray(c.values as (string | null)[], new arrow.Utf8());
    else vectors[c.name] = arrow.makeVector(c.values instanceof Float64Array ? c.values : Float64Array.from(c.values as ArrayLike<number>));
  }
  writeFileSync(path, arrow.tableToIPC(new arrow.Table(vectors), 'file'));
}
