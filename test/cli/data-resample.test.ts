import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBars } from '../../src/data/load.js';
import { rrr, tempDir } from '../helpers/cli.js';

const minute = (m: number) => new Date(Date.UTC(2020, 0, 1) + m * 60_000).toISOString().replace('.000Z', 'Z');
const H = (h: number) => Date.UTC(2020, 0, 1, h);

/** Hand-computed hourly bars of the 1m source below: open = first, high = max, low = min, close = last, volume = sum. */
function hourly(h: number) {
  const ms = Array.from({ length: 60 }, (_, k) => 60 * h + k);
  return { time: H(h), open: 100 + ms[0], high: 101 + ms[59] + 0.5, low: 99 + ms[0], close: 100.5 + ms[59], volume: ms.reduce((s, m) => s + m, 0) };
}

describe('rrr data resample', () => {
  let dir: string;
  let db: string;
  const resample = (...args: string[]) => rrr(['data', 'resample', 'S', '--from-timeframe', '1m', '--db', db, ...args]);
  const stored = async (symbol: string) => {
    const b = await loadBars({ db, symbol, timeframe: '1h' });
    return Array.from({ length: b.length }, (_, i) => ({ time: b.time[i], open: b.open[i], high: b.high[i], low: b.low[i], close: b.close[i], volume: b.volume[i] }));
  };

  beforeAll(() => {
    dir = tempDir('rrr-resample-');
    db = join(dir, 's.duckdb');
    // 150 one-minute bars from 00:00: hours 0 and 1 complete, hour 2 partial (30 minutes).
    const rows = Array.from({ length: 150 }, (_, m) => `${minute(m)},${100 + m},${101 + m + (m % 60 === 59 ? 0.5 : 0)},${99 + m},${100.5 + m},${m}`);
    writeFileSync(join(dir, 's.csv'), `timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
    expect(rrr(['data', 'import', join(dir, 's.csv'), '--symbol', 'S', '--timeframe', '1m', '--db', db]).status).toBe(0);
    const other = [0, 1, 2, 3].map((h) => `${minute(60 * h)},1,2,0.5,1.5,7`);
    writeFileSync(join(dir, 'other.csv'), `timestamp,open,high,low,close,volume\n${other.join('\n')}\n`);
    expect(rrr(['data', 'import', join(dir, 'other.csv'), '--symbol', 'OTHER', '--timeframe', '1h', '--db', db]).status).toBe(0);
  });

  it('--to-timeframe names the target; --to is a date as everywhere else', async () => {
    const r = resample('--to-timeframe', '1h', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ symbol: 'S', timeframe: '1h', sourceBars: 150, added: 2, replaced: 0, total: 2, partialLast: minute(120), partialStored: false });
    expect(await stored('S')).toEqual([hourly(0), hourly(1)]);
    const old = resample('--to', '1h');
    expect(old.status).toBe(2);
    expect(old.stderr.trim()).toBe('Error: --to "1h" is a date here as in every command (the last source bar to resample): give the target timeframe as --to-timeframe 1h.');
    const date = resample('--to-timeframe', '1h', '--to', '1h');
    expect(date.status).toBe(2);
    expect(date.stderr.trim()).toMatch(/^Error: --to "1h" is not a date/);
  });

  it('--from/--to restrict the source bars, and a same-symbol resample again is an upsert', async () => {
    const r = resample('--to-timeframe', '1h', '--from', minute(60), '--to', minute(119), '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ sourceBars: 60, added: 0, replaced: 1, total: 2, partialLast: null });
    expect(await stored('S')).toEqual([hourly(0), hourly(1)]);
  });

  it('--as "" or another invalid symbol is refused, and nothing is stored', async () => {
    for (const as of ['', ' X', 'A B']) {
      const r = resample('--to-timeframe', '1h', '--as', as);
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toMatch(/^Error: --as ".*" is not a valid symbol: use letters, digits and/);
    }
    const list = rrr(['data', 'list', '--db', db, '--json']).json().series.map((s: { symbol: string; timeframe: string }) => `${s.symbol} ${s.timeframe}`);
    expect(list).toEqual(['OTHER 1h', 'S 1h', 'S 1m']);
  });

  it('into another existing series only with --replace, which replaces that whole series', async () => {
    const before = await stored('OTHER');
    const refused = resample('--to-timeframe', '1h', '--as', 'OTHER');
    expect(refused.status).toBe(2);
    expect(refused.stderr.trim()).toBe('Error: OTHER already has 4 1h bars, which are not a resample of S: pass --replace to replace that whole series, or choose another --as.');
    expect(await stored('OTHER')).toEqual(before);
    const replaced = resample('--to-timeframe', '1h', '--as', 'OTHER', '--replace', '--json');
    expect(replaced.status, replaced.stderr).toBe(0);
    expect(replaced.json()).toMatchObject({ symbol: 'OTHER', replacedSeriesBars: 4, added: 2, replaced: 0, total: 2 });
    expect(await stored('OTHER')).toEqual([hourly(0), hourly(1)]);
  });

  it('a new symbol is created with --as; --replace without --as is refused', async () => {
    expect(resample('--to-timeframe', '1h', '--as', 'S-H').status).toBe(0);
    expect(await stored('S-H')).toEqual([hourly(0), hourly(1)]);
    const r = resample('--to-timeframe', '1h', '--replace');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^Error: --replace applies only with --as OTHER-SYMBOL/);
  });
});
