import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeBars, type Bars } from '../../src/data/bars.js';
import { readImportFiles, upsertSeries, writeImport } from '../../src/data/import.js';
import { validateBars } from '../../src/data/quality.js';
import { withStore } from '../../src/data/store.js';
import { mulberry32 } from '../../src/data/synthetic.js';
import { parseTimeframe } from '../../src/data/timeframe.js';
import { writeFileSync } from 'node:fs';
import { tempDir } from '../helpers/cli.js';

const MINUTE = 60_000;
const tf = parseTimeframe('1m');
type Row = [time: number, open: number, high: number, low: number, close: number, volume: number];

/** Bars at the given minutes (relative to `base`), with seeded random prices; every 7th volume missing. */
function barsAt(minutes: number[], seed: number, base = Date.UTC(2020, 0, 1)): Bars {
  const rand = mulberry32(seed);
  const rows: Row[] = minutes.map((m, k) => {
    const open = 100 + rand() * 10;
    const close = 100 + rand() * 10;
    return [base + m * MINUTE, open, Math.max(open, close) + rand(), Math.min(open, close) - rand(), close, k % 7 === 3 ? NaN : Math.floor(rand() * 1000)];
  });
  const col = (k: number) => Float64Array.from(rows, (r) => r[k]);
  return makeBars({ time: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) });
}

const range = (from: number, to: number, step = 1) => Array.from({ length: Math.floor((to - from) / step) }, (_, i) => from + i * step);

/** The reference: a map from time to row, written in order (later wins), read back sorted. */
function reference(writes: Bars[]): Row[] {
  const byTime = new Map<number, Row>();
  for (const b of writes) for (let i = 0; i < b.length; i++) byTime.set(b.time[i], [b.time[i], b.open[i], b.high[i], b.low[i], b.close[i], b.volume[i]]);
  return [...byTime.values()].sort((a, b) => a[0] - b[0]);
}

/** The stored series as rows, read in the table's physical order (no ORDER BY), with NULL volume as NaN. */
async function storedRows(db: string, symbol: string): Promise<{ rows: Row[]; nullVolumes: number; series: Record<string, unknown> }> {
  return withStore(db, { readOnly: true }, async (store) => {
    const raw = await store.rows('SELECT time::DOUBLE AS t, open, high, low, close, volume FROM bars WHERE symbol = ? AND timeframe = ?', [symbol, '1m']);
    const [nulls] = await store.rows('SELECT count(*) FILTER (WHERE volume IS NULL)::INT AS n FROM bars WHERE symbol = ?', [symbol]);
    const [series] = await store.rows('SELECT rows::INT AS rows, first_time::DOUBLE AS first, last_time::DOUBLE AS last FROM series WHERE symbol = ?', [symbol]);
    const rows = raw.map((r) => [Number(r.t), Number(r.open), Number(r.high), Number(r.low), Number(r.close), r.volume === null ? NaN : Number(r.volume)] as Row);
    return { rows, nullVolumes: Number(nulls.n), series };
  });
}

describe('upsertSeries against a reference merge, on a real store', () => {
  const db = join(tempDir('rrr-upsert-'), 'store.duckdb');

  // Each step writes parts over what is stored; 5000-bar writes cross DuckDB's 2048-row chunks.
  const steps: [string, Bars[], { added: number; replaced: number }][] = [
    ['a fresh series, across several chunks', [barsAt(range(0, 5000), 1)], { added: 5000, replaced: 0 }],
    ['bars after the stored ones (append)', [barsAt(range(5000, 5100), 2)], { added: 100, replaced: 0 }],
    ['an overlap at the end', [barsAt(range(5050, 5200), 3)], { added: 100, replaced: 50 }],
    ['history before the start and a replaced stretch in the middle', [barsAt(range(-3000, 0), 4), barsAt(range(2000, 2100), 5)], { added: 3000, replaced: 100 }],
    ['bars filling every other minute of a gap and two parts with one time in both (the later part wins)', [barsAt(range(10_001, 12_001, 2), 6), barsAt([5100, 5199, 5300], 7), barsAt([5300], 8)], { added: 1001, replaced: 2 }],
    ['the whole series replaced', [barsAt(range(-3000, 12_001), 9)], { added: 15_001 - 9201, replaced: 9201 }],
  ];
  const written: Bars[] = [];
  it.each(steps)('%s', async (_name, parts, expected) => {
    const result = await withStore(db, { create: true }, (store) => upsertSeries(store, 'U', tf, parts));
    written.push(...parts);
    const want = reference(written);
    expect(result).toMatchObject({ ...expected, total: want.length });
    const { rows, nullVolumes, series } = await storedRows(db, 'U');
    // Stored in time order on disk (a plain scan is sorted), bit for bit as the reference.
    expect(rows).toEqual(want);
    expect(nullVolumes).toBe(want.filter((r) => Number.isNaN(r[5])).length);
    expect(series).toEqual({ rows: want.length, first: want[0][0], last: want[want.length - 1][0] });
    const col = (k: number) => Float64Array.from(want, (r) => r[k]);
    const ref = makeBars({ time: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) }, { symbol: 'U', timeframe: '1m' });
    expect(result.quality).toEqual(validateBars(ref, tf));
  });

  it('writes times before 1970 and after 2100 exactly (int64 halves)', async () => {
    const early = barsAt([0, 1, 2], 10, Date.UTC(1901, 0, 1, 0, 0));
    const late = barsAt([0, 1, 2], 11, Date.UTC(2262, 3, 11, 0, 0));
    await withStore(db, { create: true }, (store) => upsertSeries(store, 'EARLY', tf, [early]));
    await withStore(db, { create: true }, (store) => upsertSeries(store, 'LATE', tf, [late]));
    expect((await storedRows(db, 'EARLY')).rows.map((r) => r[0])).toEqual(Array.from(early.time));
    expect((await storedRows(db, 'LATE')).rows.map((r) => r[0])).toEqual(Array.from(late.time));
  });

  it('refuses unsorted or fractional times from a library caller', async () => {
    const unsorted = barsAt([1, 0], 12);
    await expect(withStore(db, { create: true }, (store) => upsertSeries(store, 'BAD', tf, [unsorted]))).rejects.toThrow(/must be sorted by time/);
    const fractional = makeBars({ time: Float64Array.of(0.5), open: Float64Array.of(1), high: Float64Array.of(1), low: Float64Array.of(1), close: Float64Array.of(1), volume: Float64Array.of(1) });
    await expect(withStore(db, { create: true }, (store) => upsertSeries(store, 'BAD', tf, [fractional]))).rejects.toThrow(/whole epoch milliseconds/);
  });
});

describe('readImportFiles then writeImport: the two steps of an import', () => {
  it('reads and checks files without any store, and a later file wins at equal times', async () => {
    const dir = tempDir('rrr-two-step-');
    const line = (m: number, close: number) => `${new Date(Date.UTC(2020, 0, 1) + m * MINUTE).toISOString()},10,12,9,${close},5`;
    writeFileSync(join(dir, 'a.csv'), `timestamp,open,high,low,close,volume\n${[0, 1, 2].map((m) => line(m, 10)).join('\n')}\n`);
    // Unsorted on purpose: sorted on reading, rows reported in file order.
    writeFileSync(join(dir, 'b.csv'), `timestamp,open,high,low,close,volume\n${[3, 2].map((m) => line(m, 11)).join('\n')}\n`);
    const prepared = await readImportFiles([join(dir, 'a.csv'), join(dir, 'b.csv')], { symbol: 'T', timeframe: '1m' });
    expect(prepared.files).toEqual([{ file: join(dir, 'a.csv'), rows: 3 }, { file: join(dir, 'b.csv'), rows: 2 }]);
    expect(Array.from(prepared.bars.close)).toEqual([10, 10, 11, 11]);
    const db = join(dir, 'store.duckdb');
    const result = await withStore(db, { create: true }, (store) => writeImport(store, prepared));
    expect(result).toMatchObject({ symbol: 'T', timeframe: '1m', added: 4, replaced: 0, total: 4 });
    expect((await storedRows(db, 'T')).rows.map((r) => r[4])).toEqual([10, 10, 11, 11]);
  });
});
