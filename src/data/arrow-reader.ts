import { readFileSync } from 'node:fs';
import { quote, type Store } from './store.js';
import { UserError } from '../errors.js';

/**
 * Copies an Arrow IPC file (file or stream format) into a DuckDB temp table: timestamps and dates as
 * TIMESTAMP, numbers as DOUBLE, text as VARCHAR, so the shared column mapping and parsing apply. Columns of
 * any other type (booleans, structs, lists, binary) are staged as empty text; their Arrow types are
 * returned by name so a mapping onto one of them is refused with the type, not read as a string.
 */
export async function arrowToRawTable(store: Store, raw: string, path: string): Promise<Map<string, string>> {
  const arrow = await import('apache-arrow');
  let table;
  try {
    table = arrow.tableFromIPC(readFileSync(path));
  } catch (error) {
    throw new UserError(`Cannot read ${path} as Arrow IPC (${(error as Error).message}): accepted are Arrow IPC file or stream bytes.`, { exitCode: 1, code: 'RRR_BAD_FILE', cause: error });
  }
  const fields = table.schema.fields;
  const { DataType } = arrow;
  const kinds = fields.map((f) =>
    DataType.isTimestamp(f.type) || DataType.isDate(f.type) ? 'time'
      : DataType.isFloat(f.type) || DataType.isInt(f.type) || DataType.isDecimal(f.type) ? 'number'
        : DataType.isUtf8(f.type) || DataType.isLargeUtf8(f.type) || DataType.isDictionary(f.type) ? 'text'
          : 'other',
  );
  const unusable = new Map<string, string>();
  fields.forEach((f, i) => {
    if (kinds[i] !== 'other') return;
    const name = DataType.isBool(f.type) ? 'BOOLEAN' : DataType.isStruct(f.type) ? 'STRUCT' : DataType.isList(f.type) || DataType.isFixedSizeList(f.type) ? 'LIST'
      : DataType.isMap(f.type) ? 'MAP' : DataType.isBinary(f.type) ? 'BLOB' : String(f.type);
    unusable.set(f.name, `${name} (Arrow ${String(f.type)})`);
  });
  const sqlTypes = kinds.map((k) => (k === 'time' ? 'BIGINT' : k === 'number' ? 'DOUBLE' : 'VARCHAR'));
  const stage = `${raw}_ms`;
  await store.run(`CREATE TEMP TABLE ${stage} (${fields.map((f, i) => `${quote(f.name)} ${sqlTypes[i]}`).join(', ')})`);
  const appender = await store.connection.createAppender(stage, 'main', 'temp');
  const columns = fields.map((f) => table.getChild(f.name)!);
  for (let i = 0; i < table.numRows; i++) {
    for (let c = 0; c < columns.length; c++) {
      const value = kinds[c] === 'other' ? null : columns[c].get(i);
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
  await store.run(`CREATE TEMP TABLE ${raw} AS SELECT ${select} FROM ${stage}`); // a plain scan keeps insertion order
  await store.run(`DROP TABLE ${stage}`);
  return unusable;
}
