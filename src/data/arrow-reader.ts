import { readFileSync } from 'node:fs';
import { quote, type Store } from './store.js';
import { UserError } from '../errors.js';

/**
 * Copies an Arrow IPC file (file or stream format) into a DuckDB temp table: timestamps and dates as
 * TIMESTAMP, numbers as DOUBLE, anything else as VARCHAR, so the shared column mapping and parsing apply.
 */
export async function arrowToRawTable(store: Store, raw: string, path: string): Promise<void> {
  const arrow = await import('apache-arrow');
  let table;
  try {
    table = arrow.tableFromIPC(readFileSync(path));
  } catch (error) {
    throw new UserError(`Cannot read ${path} as Arrow IPC (${(error as Error).message}): accepted are Arrow IPC file or stream bytes.`, { exitCode: 1, cause: error });
  }
  const fields = table.schema.fields;
  const kinds = fields.map((f) =>
    arrow.DataType.isTimestamp(f.type) || arrow.DataType.isDate(f.type) ? 'time' : arrow.DataType.isFloat(f.type) || arrow.DataType.isInt(f.type) || arrow.DataType.isDecimal(f.type) ? 'number' : 'text',
  );
  const sqlTypes = kinds.map((k) => (k === 'time' ? 'BIGINT' : k === 'number' ? 'DOUBLE' : 'VARCHAR'));
  const stage = `${raw}_ms`;
  await store.run(`CREATE TEMP TABLE ${stage} (${fields.map((f, i) => `${quote(f.name)} ${sqlTypes[i]}`).join(', ')})`);
  const { DuckDBAppender } = await import('@duckdb/node-api');
  const appender: InstanceType<typeof DuckDBAppender> = await store.connection.createAppender(stage, 'main', 'temp');
  const columns = fields.map((f) => table.getChild(f.name)!);
  for (let i = 0; i < table.numRows; i++) {
    for (let c = 0; c < columns.length; c++) {
      const value = columns[c].get(i);
      if (value === null || value === undefined) appender.appendNull();
      else if (kinds[c] === 'time') appender.appendBigInt(BigInt(Math.round(Number(value instanceof Date ? value.getTime() : value))));
      else if (kinds[c] === 'number') appender.appendDouble(Number(value));
      else appender.appendVarchar(String(value));
    }
    appender.endRow();
  }
  appender.closeSync();
  // apache-arrow hands timestamps and dates out as epoch ms; make them real TIMESTAMPs again.
  const select = fields.map((f, i) => (kinds[i] === 'time' ? `make_timestamp(${quote(f.name)} * 1000) AS ${quote(f.name)}` : quote(f.name))).join(', ');
  await store.run(`CREATE TEMP TABLE ${raw} AS SELECT ${select} FROM ${stage} ORDER BY rowid`);
  await store.run(`DROP TABLE ${stage}`);
}
