import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { upsertSeries } from '../../src/data/import.js';
import { loadBars } from '../../src/data/load.js';
import { listRuns, recordRun } from '../../src/data/runs.js';
import { listSeries } from '../../src/data/series.js';
import { MIGRATIONS, SCHEMA_VERSION, Store, withStore } from '../../src/data/store.js';
import { makeBars } from '../../src/data/bars.js';
import { benchmarkBars } from '../../src/data/synthetic.js';
import { parseTimeframe } from '../../src/data/timeframe.js';
import { UserError } from '../../src/errors.js';
import { tempDir, fileSha } from '../helpers/cli.js';

const hash = fileSha;

/** Runs SQL on a DuckDB file directly, as another program (or an older rrr) would. */
async function raw(path: string, sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    await connection.run(sql);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The schema script rrr ran on every open before schema versions existed (a "version 1" store). */
const OLD_SCHEMA = `
CREATE TABLE IF NOT EXISTS bars (symbol VARCHAR NOT NULL, timeframe VARCHAR NOT NULL, time BIGINT NOT NULL, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE, PRIMARY KEY (symbol, timeframe, time));
CREATE TABLE IF NOT EXISTS series (symbol VARCHAR NOT NULL, timeframe VARCHAR NOT NULL, rows BIGINT NOT NULL, first_time BIGINT, last_time BIGINT, quality VARCHAR, updated_at TIMESTAMP DEFAULT current_timestamp, PRIMARY KEY (symbol, timeframe));
CREATE OR REPLACE VIEW bars_utc AS SELECT symbol, timeframe, make_timestamp(time * 1000) AS time, open, high, low, close, volume FROM bars;
INSERT INTO bars VALUES ('OLD', '1h', 0, 1, 2, 0.5, 1.5, 10), ('OLD', '1h', 3600000, 1.5, 2, 1, 1.8, 12);
INSERT INTO series (symbol, timeframe, rows, first_time, last_time) VALUES ('OLD', '1h', 2, 0, 3600000);`;

const f64 = (values: number[]) => Float64Array.from(values);
const bars = makeBars({ time: f64([0, 3_600_000, 7_200_000]), open: f64([1, 2, 3]), high: f64([2, 3, 4]), low: f64([0.5, 1.5, 2.5]), close: f64([1.5, 2.5, 3.5]), volume: f64([10, 20, 30]) }, { symbol: 'A', timeframe: '1h' });

async function failure(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

/** Every way of opening: read-only, write existing, write creating. */
const OPENS = [{ readOnly: true }, { create: false }, { create: true }] as const;

describe('the store refuses what is not a DuckDB store, and leaves it byte for byte untouched', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('rrr-store-file-');
  });

  it.each([
    ['a CSV file', 'bars.csv', 'timestamp,open,high,low,close\n2020-01-01T00:00:00Z,1,2,0.5,1.5\n', /not a DuckDB database \(it looks like a text file\)/],
    ['a Parquet file', 'bars.parquet', Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 7), Buffer.from('PAR1')]), /not a DuckDB database \(it looks like a Parquet file\)/],
    ['a text file named .duckdb', 'notes.duckdb', 'hello\n', /not a DuckDB database/],
    ['an empty file', 'empty.duckdb', '', /is an empty file, not a DuckDB store/],
  ])('%s', async (_what, name, content, message) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    const before = hash(path);
    for (const options of OPENS) {
      const error = await failure(Store.open(path, options));
      expect(error.message).toMatch(message);
      expect(error.exitCode).toBe(2);
    }
    expect(hash(path)).toBe(before);
  });

  it('a FIFO is refused at once, without opening it (opening would block)', async () => {
    const fifo = join(dir, 'pipe.duckdb');
    execFileSync('mkfifo', [fifo]);
    for (const options of OPENS) expect((await failure(Store.open(fifo, options))).message).toMatch(/is a named pipe \(FIFO\), not a DuckDB store file/);
    expect(statSync(fifo).isFIFO()).toBe(true);
  });

  it('a device and a directory are refused', async () => {
    expect((await failure(Store.open('/dev/null', { create: true }))).message).toMatch(/--db \/dev\/null is a device/);
    const sub = join(dir, 'adir');
    mkdirSync(sub);
    expect((await failure(Store.open(sub, { readOnly: true }))).message).toMatch(/is a directory/);
  });

  it('a read-only open of a missing store creates nothing', async () => {
    const path = join(dir, 'missing', 'none.duckdb');
    expect((await failure(Store.open(path, { readOnly: true }))).code).toBe('RRR_NO_STORE');
    expect(() => statSync(join(dir, 'missing'))).toThrow();
  });
});

describe('a DuckDB database that is not an rrr store is refused on read and write, never altered', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('rrr-store-foreign-');
  });

  it.each([
    ['another table', 'CREATE TABLE prices (t BIGINT, p DOUBLE)', /it holds the table "prices", which rrr does not create/],
    ['a foreign bars table', 'CREATE TABLE bars (ts TIMESTAMP, price DOUBLE)', /its table "bars" has the columns \(ts TIMESTAMP, price DOUBLE\), not rrr's/],
    ["a user's own bars_utc view", `${OLD_SCHEMA} CREATE OR REPLACE VIEW bars_utc AS SELECT symbol, time FROM bars`, /its view "bars_utc" is not rrr's/],
    ['bars and series but also a table of its own', `${OLD_SCHEMA} CREATE TABLE notes (x VARCHAR)`, /the table "notes"/],
  ])('%s', async (name, sql, message) => {
    const path = join(dir, `${name.replace(/\W+/g, '-')}.duckdb`);
    await raw(path, sql);
    const before = hash(path);
    for (const options of OPENS) {
      const error = await failure(Store.open(path, options));
      expect(error.message).toMatch(/is a DuckDB database but not an rrr store/);
      expect(error.message).toMatch(message);
      expect(error.code).toBe('RRR_DB_FOREIGN');
    }
    expect(hash(path)).toBe(before);
  });
});

describe('schema versions: reads never write, the first write migrates', () => {
  it('a new store records every migration in rrr_meta', async () => {
    const path = join(tempDir(), 'new.duckdb');
    const rows = await withStore(path, { create: true }, (store) => store.rows('SELECT version, description FROM rrr_meta ORDER BY version'));
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, description: m.description })));
    expect(SCHEMA_VERSION).toBe(6);
  });

  it('a store written before versions existed is read as version 1 without a byte written, and upgraded by the first write', async () => {
    const path = join(tempDir(), 'old.duckdb');
    await raw(path, OLD_SCHEMA);
    const before = hash(path);
    const mtime = statSync(path).mtimeMs;
    // Reads: its series, its bars, and no runs (it has no runs table), all read-only.
    const series = await withStore(path, { readOnly: true }, listSeries);
    expect(series.map((s) => [s.symbol, s.timeframe, s.rows])).toEqual([['OLD', '1h', 2]]);
    expect(Array.from((await loadBars({ db: path, symbol: 'OLD', timeframe: '1h' })).close)).toEqual([1.5, 1.8]);
    expect(await withStore(path, { readOnly: true }, (store) => listRuns(store))).toEqual([]);
    expect(hash(path)).toBe(before);
    expect(statSync(path).mtimeMs).toBe(mtime);
    // The first write upgrades it, and the data it held is still there.
    await withStore(path, { create: false }, (store) => upsertSeries(store, 'A', parseTimeframe('1h'), [bars]));
    const meta = await withStore(path, { readOnly: true }, (store) => store.rows('SELECT version FROM rrr_meta ORDER BY version'));
    expect(meta.map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await withStore(path, { readOnly: true }, listSeries)).map((s) => s.symbol)).toEqual(['A', 'OLD']);
    // Migration 3 rebuilt bars without its primary key: the old bars survive, in time order.
    expect(Array.from((await loadBars({ db: path, symbol: 'OLD', timeframe: '1h' })).close)).toEqual([1.5, 1.8]);
    const constraints = await withStore(path, { readOnly: true }, (store) => store.rows("SELECT count(*)::INTEGER AS n FROM duckdb_constraints() WHERE table_name = 'bars' AND constraint_type = 'PRIMARY KEY'"));
    expect(constraints[0].n).toBe(0);
  });

  it('an empty DuckDB database reads as an empty store and becomes one on the first write', async () => {
    const path = join(tempDir(), 'blank.duckdb');
    await raw(path, 'CREATE TABLE t (x INT); DROP TABLE t');
    const before = hash(path);
    expect(await withStore(path, { readOnly: true }, listSeries)).toEqual([]);
    expect(hash(path)).toBe(before);
    const id = await withStore(path, { create: false }, (store) =>
      recordRun(store, { strategy: 's', symbols: ['A'], timeframe: '1h', from: 'a', to: 'b', params: {}, settings: {}, dataFingerprint: 'f', metrics: {} }),
    );
    expect(id).toBe(1);
  });

  it('a store from a newer rrr is refused, untouched', async () => {
    const path = join(tempDir(), 'newer.duckdb');
    await withStore(path, { create: true }, (store) => store.run("INSERT INTO rrr_meta (version, description) VALUES (99, 'from the future')"));
    const before = hash(path);
    for (const options of OPENS) expect((await failure(Store.open(path, options))).message).toMatch(/has schema version 99, written by a newer rrr \(this one knows up to 6\)/);
    expect(hash(path)).toBe(before);
  });

  it('a read-only store refuses to record a run', async () => {
    const path = join(tempDir(), 'ro.duckdb');
    await withStore(path, { create: true }, async () => undefined);
    await expect(withStore(path, { readOnly: true }, (store) =>
      recordRun(store, { strategy: 's', symbols: [], timeframe: '1h', from: '', to: '', params: {}, settings: {}, dataFingerprint: '', metrics: {} }),
    )).rejects.toThrow(/opened for writing, not read-only/);
  });
});

describe('a damaged store is reported as damaged, and nothing is written into it', () => {
  let good: string;
  let dir: string;
  let many: ReturnType<typeof makeBars>;
  beforeAll(async () => {
    dir = tempDir('rrr-store-damage-');
    good = join(dir, 'good.duckdb');
    many = benchmarkBars(40_000);
    await withStore(good, { create: true }, (store) => upsertSeries(store, 'M', parseTimeframe('1m'), [many]));
  });

  const damaged = (name: string, damage: (path: string) => void) => {
    const path = join(dir, `${name}.duckdb`);
    copyFileSync(good, path);
    damage(path);
    return path;
  };
  const overwrite = (path: string, at: number, bytes: Buffer) => {
    const data = readFileSync(path);
    bytes.copy(data, at);
    writeFileSync(path, data);
  };

  it.each([
    ['flipped bytes in a block', (p: string) => overwrite(p, 12_288 + 100, Buffer.alloc(8, 0xff))],
    ['a zeroed database header', (p: string) => overwrite(p, 4096, Buffer.alloc(100))],
    ['a file cut in the middle of a block', (p: string) => truncateSync(p, statSync(p).size - 100_000)],
    ['a zeroed data block', (p: string) => overwrite(p, statSync(p).size - 262_144, Buffer.alloc(262_144))],
    ['a file cut at a block boundary', (p: string) => truncateSync(p, statSync(p).size - 262_144)],
  ])('%s', async (name, damage) => {
    const path = damaged(name.replace(/\W+/g, '-'), damage);
    const before = hash(path);
    const write = await failure(withStore(path, { create: false }, (store) => upsertSeries(store, 'N', parseTimeframe('1h'), [bars])));
    expect(write.message).toMatch(/^The store .* is damaged \(.*\): restore it from a backup/);
    expect(write.exitCode).toBe(1);
    expect(write.code).toBe('RRR_DB_CORRUPT');
    // A read fails as damaged, or (when the damage is in index blocks a read does not touch) returns the
    // stored values exactly: never silently different data.
    const read = await loadBars({ db: path, symbol: 'M', timeframe: '1m' }).then((b) => b, (e: unknown) => e);
    if (read instanceof UserError) expect(read.code).toBe('RRR_DB_CORRUPT');
    else expect(read).toMatchObject({ time: many.time, close: many.close, volume: many.volume });
    expect(hash(path)).toBe(before);
  });

  it('a write of records only (a run) does not read the bars through first; a read of the damaged bars still refuses them', async () => {
    // The first place where damage is in the bars' data blocks: a full write open refuses it, a records-only one does not.
    const size = statSync(good).size;
    let path: string | undefined;
    for (let at = 12_288; at < size && path === undefined; at += 65_536) {
      const candidate = damaged(`records-only-${at}`, (p) => overwrite(p, at + 100, Buffer.alloc(64, 0xff)));
      const full = await withStore(candidate, { create: false }, (store) => listRuns(store)).then(() => undefined, (e: UserError) => e.code);
      const records = await withStore(candidate, { create: false, recordsOnly: true }, (store) => listRuns(store)).then(() => undefined, (e: UserError) => e.code);
      if (full === 'RRR_DB_CORRUPT' && records === undefined) path = candidate;
    }
    expect(path, 'no damage that only the bars scan finds').toBeDefined();
    const run = { strategy: 's', symbols: ['M'], timeframe: '1m', from: 'a', to: 'b', params: {}, settings: {}, dataFingerprint: 'f', metrics: {} };
    await withStore(path!, { create: false, recordsOnly: true }, (store) => recordRun(store, run));
    expect(await withStore(path!, { readOnly: true }, (store) => listRuns(store))).toHaveLength(1);
    const read = await loadBars({ db: path!, symbol: 'M', timeframe: '1m' }).then((b) => b, (e: unknown) => e);
    expect((read as UserError).code).toBe('RRR_DB_CORRUPT');
  });
});

describe('one process, one writer per store file', () => {
  it('opening a store again in the process that has it open for writing is refused (DuckDB would not keep it out)', async () => {
    const path = join(tempDir(), 'twice.duckdb');
    await withStore(path, { create: true }, async () => {
      await expect(Store.open(path, { readOnly: true })).rejects.toThrow(/already open in this process for writing: pass the open Store/);
    });
    // Two opens started together in this process: one gets the store, the other is refused.
    const both = await Promise.allSettled([Store.open(path, { create: false }), Store.open(path, { create: false })]);
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    for (const r of both) if (r.status === 'fulfilled') r.value.close();
    // Closed again: it opens, and two readers may share it.
    await withStore(path, { readOnly: true }, (a) => withStore(path, { readOnly: true }, async (b) => expect(b.readOnly && a.readOnly).toBe(true)));
  });
});
