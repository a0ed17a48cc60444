import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tableToIPC, tableFromArrays } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBars } from '../../src/data/load.js';
import { describeShared, readSharedCsv, sharedPath } from '../helpers/shared.js';
import { rrr, tempDir, runsAsNobody, NOBODY_SKIP_REASON } from '../helpers/cli.js';

function csv(rows: string[], header = 'timestamp,open,high,low,close,volume'): string {
  return `${header}\n${rows.join('\n')}\n`;
}

const HOURS = ['2020-01-01T00:00:00Z', '2020-01-01T01:00:00Z', '2020-01-01T02:00:00Z', '2020-01-01T03:00:00Z'];
const good = (times = HOURS, close = 10) => times.map((t) => `${t},10,11,9,${close},100`);

describe('rrr data import', () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = tempDir();
    db = join(dir, 'store.duckdb');
  });

  it('upserts overlapping data: newer values win, and it says how many bars were added and replaced', async () => {
    writeFileSync(join(dir, 'a.csv'), csv(good(HOURS.slice(0, 3), 10)));
    writeFileSync(join(dir, 'b.csv'), csv(good(HOURS.slice(1), 10.5)));
    const first = rrr(['data', 'import', join(dir, 'a.csv'), '--symbol', 'X', '--timeframe', '1h', '--db', db, '--json']);
    expect(first.status).toBe(0);
    expect(first.json()).toMatchObject({ added: 3, replaced: 0, total: 3 });
    const second = rrr(['data', 'import', join(dir, 'b.csv'), '--symbol', 'X', '--timeframe', '1h', '--db', db]);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('1 bars added, 2 replaced; 4 bars stored');
    const bars = await loadBars({ symbol: 'X', timeframe: '1h', db });
    expect(Array.from(bars.close)).toEqual([10, 10.5, 10.5, 10.5]);
    expect(Array.from(bars.time)).toEqual(HOURS.map((t) => Date.parse(t)));
  });

  it('reads epoch seconds, epoch milliseconds and headerless files, and maps columns by flag', async () => {
    const secs = HOURS.map((t) => Date.parse(t) / 1000);
    writeFileSync(join(dir, 's.csv'), csv(secs.map((s) => `${s},1,2,0.5,1.5,7`)));
    writeFileSync(join(dir, 'ms.csv'), csv(secs.map((s) => `${s * 1000},1,2,0.5,1.5,7`)));
    writeFileSync(join(dir, 'nohead.csv'), secs.map((s) => `${s},1,2,0.5,1.5,7`).join('\n'));
    writeFileSync(join(dir, 'named.csv'), csv(HOURS.map((t) => `${t};x;1;2;0.5;1.5;`), 'When;junk;O;Hi;Lo;Last;Qty'));
    for (const [file, extra] of [['s.csv', []], ['ms.csv', []], ['nohead.csv', []], ['named.csv', ['--time-column', 'When', '--high-column', 'Hi', '--low-column', 'Lo', '--close-column', 'Last']]] as const) {
      const symbol = file.replace('.csv', '').toUpperCase();
      const r = rrr(['data', 'import', join(dir, file), '--symbol', symbol, '--timeframe', '1h', '--db', db, ...extra]);
      expect(r.status, r.stderr).toBe(0);
      const bars = await loadBars({ symbol, timeframe: '1h', db });
      expect(Array.from(bars.time)).toEqual(HOURS.map((t) => Date.parse(t)));
      expect(Array.from(bars.high)).toEqual([2, 2, 2, 2]);
      expect(Array.from(bars.close)).toEqual([1.5, 1.5, 1.5, 1.5]);
    }
    // The named file has an empty volume column ("Qty"): stored as missing, not zero.
    const named = await loadBars({ symbol: 'NAMED', timeframe: '1h', db });
    expect(Array.from(named.volume).every(Number.isNaN)).toBe(true);
  });

  it('round-trips through export to Parquet, CSV and Arrow IPC', async () => {
    for (const ext of ['parquet', 'csv', 'arrow']) {
      const out = join(dir, `x.${ext}`);
      expect(rrr(['data', 'export', 'X', '--timeframe', '1h', '--out', out, '--db', db]).status).toBe(0);
      const r = rrr(['data', 'import', out, '--symbol', `X-${ext}`, '--timeframe', '1h', '--db', db]);
      expect(r.status, r.stderr).toBe(0);
      const back = await loadBars({ symbol: `X-${ext}`, timeframe: '1h', db });
      const orig = await loadBars({ symbol: 'X', timeframe: '1h', db });
      expect(back.time).toEqual(orig.time);
      expect(back.close).toEqual(orig.close);
      expect(back.volume).toEqual(orig.volume);
      const direct = await loadBars({ file: out });
      expect(direct.close).toEqual(orig.close);
    }
  });

  describe('bad input: one sentence, a non-zero exit, and nothing stored', () => {
    const cases: [string, () => string[], RegExp][] = [
      ['a missing file', () => ['data', 'import', join(dir, 'nope.csv'), '--symbol', 'X', '--timeframe', '1h'], /^Error: File not found: .*nope\.csv\. Give the path of a CSV/],
      ['an unknown column flag', () => ['data', 'import', join(dir, 'b.csv'), '--symbol', 'X', '--timeframe', '1h', '--close-column', 'Last'], /Column "Last" \(given by --close-column\) is not in .*; its columns are: timestamp, open/],
      ['a missing column', () => { writeFileSync(join(dir, 'noclose.csv'), csv(['2020-01-01T00:00:00Z,1,2,0,1'], 'timestamp,open,high,low,vol')); return ['data', 'import', join(dir, 'noclose.csv'), '--symbol', 'X', '--timeframe', '1h']; }, /has no close column .*: name it with --close-column NAME\./],
      ['an unparseable timestamp', () => { writeFileSync(join(dir, 'badts.csv'), csv([...good(HOURS.slice(0, 2)), 'yesterday,10,11,9,10,100'])); return ['data', 'import', join(dir, 'badts.csv'), '--symbol', 'X', '--timeframe', '1h']; }, /Cannot parse the timestamp "yesterday" at row 3 \(line 4\) of .*: accepted are ISO-8601/],
      ['a price that is not a number', () => { writeFileSync(join(dir, 'badnum.csv'), csv([...good(HOURS.slice(0, 2)), '2020-01-01T02:00:00Z,10,11,abc,10,100'])); return ['data', 'import', join(dir, 'badnum.csv'), '--symbol', 'X', '--timeframe', '1h']; }, /The low at row 3 \(line 4\) of .* is "abc", not a number/],
      ['bar spacing that contradicts --timeframe', () => ['data', 'import', join(dir, 'b.csv'), '--symbol', 'X', '--timeframe', '1m'], /has bars every 1h \(its most common spacing\), which contradicts --timeframe 1m: pass --timeframe 1h/],
      ['an unknown timeframe', () => ['data', 'import', join(dir, 'b.csv'), '--symbol', 'X', '--timeframe', 'hourly'], /Unknown timeframe "hourly": use a count and a unit/],
      ['OHLC violations', () => { writeFileSync(join(dir, 'ohlc.csv'), csv([...good(HOURS.slice(0, 2)), '2020-01-01T02:00:00Z,10,9.5,9,10,100'])); return ['data', 'import', join(dir, 'ohlc.csv'), '--symbol', 'X', '--timeframe', '1h']; }, /has 1 bars breaking OHLC invariants .* at row 3 \(2020-01-01T02:00:00Z\); nothing was imported: .*--keep-invalid/],
      ['duplicate timestamps', () => { writeFileSync(join(dir, 'dup.csv'), csv([...good(HOURS.slice(0, 2)), ...good(HOURS.slice(1, 2))])); return ['data', 'import', join(dir, 'dup.csv'), '--symbol', 'X', '--timeframe', '1h']; }, /has 1 duplicate timestamps/],
      ['a second file failing after a good one', () => ['data', 'import', join(dir, 'a.csv'), join(dir, 'badts.csv'), '--symbol', 'X', '--timeframe', '1h'], /Cannot parse the timestamp "yesterday"/],
      ['a file with an unknown extension', () => { writeFileSync(join(dir, 'data.xlsx'), 'x'); return ['data', 'import', join(dir, 'data.xlsx'), '--symbol', 'X', '--timeframe', '1h']; }, /Cannot tell the format of .*data\.xlsx from its extension: accepted are CSV/],
    ];
    it.each(cases)('%s', async (_name, args, message) => {
      const before = await loadBars({ symbol: 'X', timeframe: '1h', db });
      const r = rrr([...args(), '--db', db]);
      expect(r.status).not.toBe(0);
      expect(r.stderr.trim()).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      const after = await loadBars({ symbol: 'X', timeframe: '1h', db });
      expect(after.close).toEqual(before.close);
      expect(after.time).toEqual(before.time);
    });

    it('an unwritable --db path', () => {
      const r = rrr(['data', 'import', join(dir, 'a.csv'), '--symbol', 'X', '--timeframe', '1h', '--db', join(dir, 'a.csv', 'sub', 'x.duckdb')]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/^Error: .*x\.duckdb .*pass --db with a .*path/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });

    it('a --db that is not a DuckDB database, which is left untouched', () => {
      const notDb = join(dir, 'notes.txt');
      writeFileSync(notDb, 'my notes');
      const r = rrr(['data', 'import', join(dir, 'a.csv'), '--symbol', 'X', '--timeframe', '1h', '--db', notDb]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/^Error: .*notes\.txt is not a DuckDB database.*: pass --db with an rrr store or a new file path/);
      expect(readFileSync(notDb, 'utf8')).toBe('my notes');
    });
  });
});

/** Writes `select` (DuckDB SQL) to a Parquet file through an in-memory DuckDB: an independent writer. */
async function parquet(path: string, select: string): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`COPY (${select}) TO '${path}' (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
}

const HOURLY = `SELECT TIMESTAMP '2020-01-01' + INTERVAL (i) HOUR AS timestamp, 10.0 AS open, 11.0 AS high, 9.0 AS low, 10.5 AS close, 100.0 AS volume FROM range(4) t(i)`;

describe('rrr data import refuses bad input before opening the store, and stores nothing', () => {
  let dir: string;
  let stores = 0;
  beforeAll(() => {
    dir = tempDir('rrr-import-refuse-');
  });

  // Every case runs against a store path that does not exist: the files are read and checked before the
  // store is opened, so a refused import does not even create it.
  const refused = (args: string[], message: RegExp, status = 1) => {
    const db = join(dir, `never-${stores++}.duckdb`);
    const r = rrr(['data', 'import', ...args, '--db', db]);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.status).toBe(status);
    expect(existsSync(db)).toBe(false);
  };

  it('an empty timestamp in a CSV file, which used to be stored as 1970-01-01', () => {
    const file = join(dir, 'empty-time.csv');
    writeFileSync(file, csv([...good(HOURS.slice(0, 2)), ',10,11,9,10,100', ...good(HOURS.slice(2))]));
    refused([file, '--symbol', 'X', '--timeframe', '1h'], /^Error: The timestamp at row 3 \(line 4\) of .*empty-time\.csv is empty: every bar needs a time; accepted are ISO-8601/);
  });

  it('a NULL timestamp in a Parquet file', async () => {
    const file = join(dir, 'null-time.parquet');
    await parquet(file, `SELECT CASE WHEN i = 2 THEN NULL ELSE TIMESTAMP '2020-01-01' + INTERVAL (i) HOUR END AS timestamp, 10.0 AS open, 11.0 AS high, 9.0 AS low, 10.5 AS close FROM range(5) t(i)`);
    refused([file, '--symbol', 'X', '--timeframe', '1h'], /^Error: The timestamp at row 3 \(line 4\) of .*null-time\.parquet is empty: every bar needs a time/);
  });

  it('negative volume, unless --keep-invalid (and then validate reports it as the error it is)', () => {
    const file = join(dir, 'neg-volume.csv');
    writeFileSync(file, csv([...good(HOURS.slice(0, 3)), `${HOURS[3]},10,11,9,10,-5`]));
    refused([file, '--symbol', 'X', '--timeframe', '1h'], /has 1 negative volumes, at row 4 \(2020-01-01T03:00:00Z\); nothing was imported: fix those rows, or pass --keep-invalid/);
    const kept = join(dir, 'kept.duckdb');
    expect(rrr(['data', 'import', file, '--symbol', 'X', '--timeframe', '1h', '--keep-invalid', '--db', kept]).status).toBe(0);
    const validate = rrr(['data', 'validate', 'X', '--timeframe', '1h', '--db', kept, '--json']);
    expect(validate.status).toBe(1);
    expect(validate.json().reports[0].checks.find((c: { check: string }) => c.check === 'negative-volume')).toMatchObject({ severity: 'error', count: 1 });
  });

  it.each([
    ['NaN', 'nan'],
    ['inf', 'inf'],
    ['1e400 (beyond a double)', '1e400'],
    ['-Infinity', '-Infinity'],
  ])('a %s price, even with --keep-invalid', (_name, value) => {
    const file = join(dir, `price-${value}.csv`);
    writeFileSync(file, csv([...good(HOURS.slice(0, 2)), `${HOURS[2]},10,${value},9,10,100`, ...good(HOURS.slice(3))]));
    refused([file, '--symbol', 'X', '--timeframe', '1h', '--keep-invalid'], /has 1 NaN or infinite prices, at row 3 \(2020-01-01T02:00:00Z\); nothing was imported: fix or drop those rows \(--keep-invalid never stores them\)/);
  });

  it('an infinite volume, even with --keep-invalid', () => {
    const file = join(dir, 'inf-volume.csv');
    writeFileSync(file, csv([...good(HOURS.slice(0, 3)), `${HOURS[3]},10,11,9,10,inf`]));
    refused([file, '--symbol', 'X', '--timeframe', '1h', '--keep-invalid'], /has 1 infinite volumes, at row 4 .*--keep-invalid never stores them/);
  });

  it.each([
    ['BOOLEAN', 'close', 'true AS flag', ['--close-column', 'flag'], /Column "flag" of .*\.parquet is BOOLEAN: a price must be a number/],
    ['struct', 'time', `{'t': i} AS ts`, ['--time-column', 'ts'], /Column "ts" of .*\.parquet is STRUCT\(t BIGINT\): a time must be a timestamp, a date, epoch seconds or milliseconds, or ISO-8601 text/],
    ['list', 'volume', '[i, i] AS qty', ['--volume-column', 'qty'], /Column "qty" of .*\.parquet is BIGINT\[\]: a volume must be a number/],
    ['BLOB', 'open', `'x'::BLOB AS raw`, ['--open-column', 'raw'], /Column "raw" of .*\.parquet is BLOB: a price must be a number/],
  ])('a Parquet %s column mapped as the %s', async (name, _field, column, flags, message) => {
    const file = join(dir, `typed-${name}.parquet`);
    await parquet(file, `SELECT *, ${column} FROM (${HOURLY.replace('FROM range(4) t(i)', ', i FROM range(4) t(i)')})`);
    refused([file, '--symbol', 'X', '--timeframe', '1h', ...flags], message);
  });

  it('an Arrow boolean column mapped as the close', () => {
    const file = join(dir, 'bool.arrow');
    const times = HOURS.map((t) => Date.parse(t));
    const table = tableFromArrays({ timestamp: Float64Array.from(times), open: new Float64Array(4).fill(10), high: new Float64Array(4).fill(11), low: new Float64Array(4).fill(9), flag: [true, false, true, true] });
    writeFileSync(file, tableToIPC(table, 'file'));
    refused([file, '--symbol', 'X', '--timeframe', '1h', '--close-column', 'flag'], /Column "flag" of .*bool\.arrow is BOOLEAN \(Arrow Bool\): a price must be a number/);
  });

  it.each([
    ['random bytes named .parquet', 'junk.parquet', () => Buffer.from([0x50, 0x41, 0x52, 0x00, 1, 2, 3, 0, 4, 5]), /junk\.parquet is not a Parquet file \(its magic bytes are missing\), though its extension says so: give a Parquet file\./],
    ['a CSV named .parquet', 'text.parquet', () => csv(good()), /text\.parquet is not a Parquet file \(its magic bytes are missing\).*or rename a CSV file to end in \.csv\./],
    ['a CSV named .arrow', 'text.arrow', () => csv(good()), /text\.arrow is not an Arrow IPC file \(its magic bytes are missing\)/],
    ['a gzip-compressed CSV named .csv', 'packed.csv', () => gzipSync(csv(good())), /packed\.csv is gzip-compressed, not CSV text: uncompress it first\./],
    ['binary data named .csv', 'binary.csv', () => Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]), /binary\.csv holds binary data, not CSV text/],
    ['an empty file', 'empty.csv', () => '', /empty\.csv is empty: it needs a header and at least one row/],
  ])('%s', (_name, file, content, message) => {
    writeFileSync(join(dir, file), content());
    refused([join(dir, file), '--symbol', 'X', '--timeframe', '1h'], message);
  });

  it('a Parquet file named .csv is refused with the extension to use', async () => {
    const file = join(dir, 'really-parquet.csv');
    await parquet(file, HOURLY);
    refused([file, '--symbol', 'X', '--timeframe', '1h'], /really-parquet\.csv is a Parquet file, not CSV text as its extension says: rename it to end in \.parquet\./);
  });

  it('a FIFO is refused at once instead of hanging', () => {
    const fifo = join(dir, 'pipe.csv');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return; // no mkfifo here: nothing to test
    refused([fifo, '--symbol', 'X', '--timeframe', '1h'], /pipe\.csv is not a regular file \(a pipe, socket or device\)/);
  });

  // Root reads a chmod 000 file anyway, so the test runs the CLI as "nobody" when it can.
  it.skipIf(!runsAsNobody)(`an input file without read permission (run as the user nobody)${runsAsNobody ? '' : ` (${NOBODY_SKIP_REASON})`}`, () => {
    const shared = join(dir, 'perm');
    mkdirSync(shared, { mode: 0o777 });
    chmodSync(dir, 0o755);
    chmodSync(shared, 0o777);
    const file = join(shared, 'secret.csv');
    writeFileSync(file, csv(good()));
    chmodSync(file, 0o000);
    const target = join(shared, 'store.duckdb');
    const r = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, join(process.cwd(), 'bin/run.js'), 'data', 'import', file, '--symbol', 'X', '--timeframe', '1h', '--db', target], { encoding: 'utf8', cwd: shared });
    expect(r.stderr.trim()).toMatch(/^Error: Cannot read .*secret\.csv: permission denied; make it readable by this user/);
    expect(r.status).toBe(1);
    expect(existsSync(target)).toBe(false);
  });
});

describe('rrr data list / show / remove', () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = tempDir();
    db = join(dir, 's.duckdb');
    // Four hourly bars, then one after a missing hour: one gap for the quality flags.
    writeFileSync(join(dir, 'a.csv'), csv(good([...HOURS, '2020-01-01T05:00:00Z'])));
    expect(rrr(['data', 'import', join(dir, 'a.csv'), '--symbol', 'BTC-USD', '--timeframe', '1h', '--db', db]).status).toBe(0);
  });

  it('lists series with rows, first and last time and quality flags', () => {
    const r = rrr(['data', 'list', '--db', db, '--json']);
    expect(r.json().series).toEqual([
      { symbol: 'BTC-USD', timeframe: '1h', rows: 5, first: '2020-01-01T00:00:00Z', last: '2020-01-01T05:00:00Z', quality: { ok: true, errors: 0, warnings: 1, flags: { gap: 1 } } },
    ]);
    expect(rrr(['data', 'list', '--db', db]).stdout).toMatch(/BTC-USD\s+1h\s+5\s+2020-01-01T00:00:00Z\s+2020-01-01T05:00:00Z\s+gap 1/);
  });

  it('shows bars in a range, with the date-only --to including that day', () => {
    const r = rrr(['data', 'show', 'BTC-USD', '--timeframe', '1h', '--from', '2020-01-01T01:00:00Z', '--to', '2020-01-01', '--db', db, '--json']);
    expect(r.json().bars.map((b: { time: string }) => b.time)).toEqual([...HOURS.slice(1), '2020-01-01T05:00:00Z']);
    const hour = rrr(['data', 'show', 'BTC-USD', '--timeframe', '1h', '--from', '2020-01-01T01:00:00Z', '--to', '2020-01-01T03:00:00Z', '--db', db, '--json']);
    expect(hour.json().bars.map((b: { time: string }) => b.time)).toEqual(HOURS.slice(1));
  });

  it('suggests the closest symbol and timeframe, and refuses --from after --to', () => {
    const typo = rrr(['data', 'show', 'BTC-UDS', '--timeframe', '1h', '--db', db]);
    expect(typo.status).toBe(1);
    expect(typo.stderr).toMatch(/Unknown symbol "BTC-UDS" in .*\. Did you mean "BTC-USD"\?/);
    const tf = rrr(['data', 'show', 'BTC-USD', '--timeframe', '4h', '--db', db]);
    expect(tf.stderr).toMatch(/BTC-USD has no 4h bars in .*; it has 1h\./);
    const range = rrr(['data', 'show', 'BTC-USD', '--timeframe', '1h', '--from', '2021-01-01', '--to', '2020-01-01', '--db', db]);
    expect(range.status).toBe(2);
    expect(range.stderr).toMatch(/--from 2021-01-01 is after --to 2020-01-01/);
    const empty = rrr(['data', 'show', 'BTC-USD', '--timeframe', '1h', '--from', '2021-01-01', '--db', db]);
    expect(empty.stderr).toMatch(/BTC-USD 1h has no bars from 2021-01-01T00:00:00Z to the end/);
  });

  it('a store that does not exist is not created by a read', () => {
    const missing = join(dir, 'none.duckdb');
    const r = rrr(['data', 'list', '--db', missing]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/No store at .*none\.duckdb: import data first/);
    expect(existsSync(missing)).toBe(false);
  });

  it('removes a series only with confirmation', async () => {
    const refused = rrr(['data', 'remove', 'BTC-USD', '--timeframe', '1h', '--db', db]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/without confirmation: pass --yes/);
    expect((await loadBars({ symbol: 'BTC-USD', timeframe: '1h', db })).length).toBe(5);
    const removed = rrr(['data', 'remove', 'BTC-USD', '--timeframe', '1h', '--yes', '--db', db, '--json']);
    expect(removed.json()).toEqual({ symbol: 'BTC-USD', timeframe: '1h', removed: 5 });
    expect(rrr(['data', 'list', '--db', db, '--json']).json().series).toEqual([]);
  });

  it('uses RRR_DB, and .rrr/rrr.duckdb under the working directory by default', () => {
    const cwd = tempDir();
    expect(rrr(['data', 'import', join(dir, 'a.csv'), '--symbol', 'Y', '--timeframe', '1h'], { cwd }).status).toBe(0);
    expect(existsSync(join(cwd, '.rrr', 'rrr.duckdb'))).toBe(true);
    const viaEnv = join(cwd, 'env.duckdb');
    expect(rrr(['data', 'import', join(dir, 'a.csv'), '--symbol', 'Z', '--timeframe', '1h'], { cwd, env: { RRR_DB: viaEnv } }).status).toBe(0);
    expect(rrr(['data', 'list', '--json'], { cwd, env: { RRR_DB: viaEnv } }).json().series.map((s: { symbol: string }) => s.symbol)).toEqual(['Z']);
  });
});

describeShared('import of the real files in ../shared/datasets', () => {
  const files: [string, string, string][] = [
    ['btc-usd_1h.csv', 'BTC-USD', '1h'],
    ['gbp-usd_1m.csv', 'GBP-USD', '1m'],
    ['goog_1d.csv', 'GOOG', '1d'],
    ['btc-usd_1mo.csv', 'BTC-USD', '1mo'],
  ];
  it.each(files)('%s is stored bit for bit as an independent CSV parse reads it', async (file, symbol, timeframe) => {
    const db = join(tempDir(), 'real.duckdb');
    const r = rrr(['data', 'import', sharedPath(file), '--symbol', symbol, '--timeframe', timeframe, '--db', db, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const expected = readSharedCsv(file);
    expect(r.json()).toMatchObject({ added: expected.length, replaced: 0, total: expected.length });
    const bars = await loadBars({ symbol, timeframe, db });
    for (const field of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) expect(bars[field]).toEqual(expected[field]);
  });
});
