import { makeData, Table, Float64, Schema, Field, RecordBatch, Struct, type Vector } from 'apache-arrow';
import { BAR_FIELDS, makeBars, type Bars } from './bars.js';
import { UserError } from '../errors.js';

const COLUMNS = ['time', ...BAR_FIELDS] as const;

/**
 * The bars as an Apache Arrow table whose columns view the same memory as the Float64Arrays (no copy):
 * for interop with Arrow-speaking tools (IPC files, DuckDB, Python via IPC bytes).
 */
export function barsToArrow(bars: Bars): Table {
  const fields = COLUMNS.map((name) => new Field(name, new Float64(), false));
  const children = COLUMNS.map((name) => makeData({ type: new Float64(), length: bars.length, nullCount: 0, data: bars[name] }));
  const struct = makeData({ type: new Struct(fields), length: bars.length, nullCount: 0, children });
  return new Table([new RecordBatch(new Schema(fields), struct)]);
}

/** Bars from an Arrow table with Float64 columns time, open, high, low, close, volume: zero-copy for one-chunk columns. */
export function barsFromArrow(table: Table, meta: { symbol?: string; timeframe?: string } = {}): Bars {
  const column = (name: (typeof COLUMNS)[number]): Float64Array => {
    const vector: Vector | null = table.getChild(name);
    if (!vector) throw new UserError(`The Arrow table has no "${name}" column: it needs time, open, high, low, close and volume.`);
    const values = vector.toArray();
    return values instanceof Float64Array ? values : Float64Array.from(values as ArrayLike<number>);
  };
  return makeBars({ time: column('time'), open: column('open'), high: column('high'), low: column('low'), close: column('close'), volume: column('volume') }, meta);
}
