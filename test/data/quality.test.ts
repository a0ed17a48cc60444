import { describe, expect, it } from 'vitest';
import { makeBars, type Bars } from '../../src/data/bars.js';
import {
  checkOutlierReturns,
  DEFAULT_OUTLIER_THRESHOLD,
  findGaps,
  findRepeatedBlocks,
  formatDuration,
  getCheck,
  QUALITY_SEVERITY,
  validateBars,
  type QualityCheckName,
  type QualityReport,
} from '../../src/data/quality.js';
import { parseTimeframe } from '../../src/data/timeframe.js';
import { describeShared, readSharedCsv } from '../helpers/shared.js';

type Row = [time: string | number, open: number, high: number, low: number, close: number, volume: number];

function bars(rows: Row[], symbol = 'TEST'): Bars {
  const col = (k: number) => Float64Array.from(rows, (r) => (k === 0 ? (typeof r[0] === 'string' ? Date.parse(r[0]) : r[0]) : (r[k] as number)));
  return makeBars({ time: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) }, { symbol });
}

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1); // a Monday

/** n clean hourly bars: a deterministic zig-zag walk, every bar distinct, no flat bars, volume > 0. */
function cleanHourly(n: number, start = T0): Row[] {
  const rows: Row[] = [];
  let price = 100;
  for (let i = 0; i < n; i++) {
    const close = price * (1 + ((i * 7919) % 13) / 1000 - 0.006);
    rows.push([start + i * H, price, Math.max(price, close) + 0.5, Math.min(price, close) - 0.5, close, 1000 + i]);
    price = close;
  }
  return rows;
}

const fired = (r: QualityReport) =>
  Object.fromEntries(r.checks.filter((c) => c.count > 0).map((c) => [c.check, c.count])) as Partial<Record<QualityCheckName, number>>;

const h1 = parseTimeframe('1h');

describe('validateBars: clean data', () => {
  it('passes every check on clean bars and reports all checks with count 0', () => {
    const r = validateBars(bars(cleanHourly(200)), h1);
    expect(r.ok).toBe(true);
    expect(r.errors).toBe(0);
    expect(r.warnings).toBe(0);
    expect(fired(r)).toEqual({});
    expect(r.checks.map((c) => c.check)).toEqual(Object.keys(QUALITY_SEVERITY));
    expect(r.gaps).toEqual({ gaps: 0, missingBars: 0, largest: null });
    expect(r.rows).toBe(200);
    expect(r.first).toBe('2024-01-01T00:00:00Z');
    expect(r.symbol).toBe('TEST');
    expect(r.settings.outlierThreshold).toBe(DEFAULT_OUTLIER_THRESHOLD);
  });

  it('is JSON-serializable without loss', () => {
    const rows = cleanHourly(50);
    rows.splice(10, 3);
    rows[20][2] = rows[20][1] - 1; // OHLC error
    const r = validateBars(bars(rows), h1);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('handles an empty series', () => {
    const r = validateBars(bars([]), h1);
    expect(r.ok).toBe(true);
    expect(r.first).toBeNull();
    expect(fired(r)).toEqual({});
  });

  it('rejects bad options with one sentence', () => {
    const b = bars(cleanHourly(5));
    expect(() => validateBars(b, h1, { calendar: 'weekend' as never })).toThrow(/Unknown calendar "weekend"/);
    expect(() => validateBars(b, h1, { outlierThreshold: 0 })).toThrow(RangeError);
    expect(() => validateBars(b, h1, { minRepeatLength: 1 })).toThrow(RangeError);
  });
});

describe('validateBars: timestamps', () => {
  it('flags unsorted rows as an error and skips the gap check', () => {
    const rows = cleanHourly(10);
    [rows[4], rows[5]] = [rows[5], rows[4]];
    const r = validateBars(bars(rows), h1);
    const c = getCheck(r, 'unsorted');
    expect(c).toMatchObject({ severity: 'error', count: 1 });
    expect(c.locations[0]).toMatchObject({ row: 5, time: '2024-01-01T04:00:00Z', toRow: 4 });
    expect(r.ok).toBe(false);
    expect(r.errors).toBe(1);
    expect(getCheck(r, 'gap').skipped).toMatch(/ascending/);
    expect(r.gaps).toBeNull();
  });

  it('flags duplicate timestamps, adjacent or not', () => {
    const rows = cleanHourly(10);
    rows[6][0] = rows[5][0];
    let r = validateBars(bars(rows), h1);
    expect(getCheck(r, 'duplicate')).toMatchObject({ severity: 'error', count: 1, locations: [{ row: 6 }] });
    expect(getCheck(r, 'unsorted').count).toBe(0);
    expect(r.ok).toBe(false);
    // Unsorted and duplicated: row 8 repeats row 2's time.
    const rows2 = cleanHourly(10);
    rows2[8][0] = rows2[2][0];
    r = validateBars(bars(rows2), h1);
    expect(getCheck(r, 'duplicate')).toMatchObject({ count: 1, locations: [{ row: 8 }] });
    expect(getCheck(r, 'unsorted').count).toBe(1);
  });

  it('flags invalid (NaN) times', () => {
    const rows = cleanHourly(5);
    rows[2][0] = NaN;
    const r = validateBars(bars(rows), h1);
    expect(getCheck(r, 'invalid-time')).toMatchObject({ severity: 'error', count: 1, locations: [{ row: 2, time: 'invalid' }] });
    expect(getCheck(r, 'gap').skipped).toBeDefined();
  });
});

describe('validateBars: prices and volume', () => {
  it('flags NaN and infinite prices', () => {
    const rows = cleanHourly(10);
    rows[3][4] = NaN;
    rows[7][2] = Infinity;
    const c = getCheck(validateBars(bars(rows), h1), 'nan-price');
    expect(c).toMatchObject({ severity: 'error', count: 2 });
    expect(c.locations.map((l) => l.row)).toEqual([3, 7]);
  });

  it('flags zero and negative prices', () => {
    const rows = cleanHourly(10);
    rows[2] = [rows[2][0], 0, 0, 0, 0, 5];
    rows[5][3] = -1;
    const r = validateBars(bars(rows), h1);
    expect(getCheck(r, 'non-positive-price')).toMatchObject({ severity: 'error', count: 2, locations: [{ row: 2 }, { row: 5 }] });
    expect(r.ok).toBe(false);
  });

  it('flags each kind of OHLC violation', () => {
    const t = (i: number) => T0 + i * H;
    const b = bars([
      [t(0), 10, 12, 9, 11, 1], // fine
      [t(1), 10, 10.5, 9, 11, 1], // high < close
      [t(2), 12, 11.5, 9, 11, 1], // high < open
      [t(3), 10, 12, 10.5, 11, 1], // low > open
      [t(4), 11, 12, 10.5, 10, 1], // low > close
      [t(5), 10, 9, 11, 10, 1], // high < low (and both bounds broken)
      [t(6), 10, 10, 10, 10, 1], // flat is fine
    ]);
    const c = getCheck(validateBars(b, h1), 'ohlc');
    expect(c).toMatchObject({ severity: 'error', count: 5 });
    expect(c.locations.map((l) => l.row)).toEqual([1, 2, 3, 4, 5]);
  });

  it('reports a series without volume once, as info, and keeps ok', () => {
    const rows = cleanHourly(20).map((r) => [r[0], r[1], r[2], r[3], r[4], NaN] as Row);
    const r = validateBars(bars(rows), h1);
    expect(getCheck(r, 'no-volume')).toMatchObject({ severity: 'info', count: 1, locations: [] });
    expect(getCheck(r, 'nan-volume').count).toBe(0);
    expect(r.ok).toBe(true);
    expect(r.warnings).toBe(0);
  });

  it('flags some-but-not-all NaN volume, zero volume and negative volume', () => {
    const rows = cleanHourly(20);
    rows[3][5] = NaN;
    rows[4][5] = 0;
    rows[9][5] = 0;
    rows[12][5] = -5;
    const r = validateBars(bars(rows), h1);
    expect(getCheck(r, 'no-volume').count).toBe(0);
    expect(getCheck(r, 'nan-volume')).toMatchObject({ severity: 'warning', count: 1, locations: [{ row: 3 }] });
    expect(getCheck(r, 'zero-volume')).toMatchObject({ severity: 'warning', count: 2, locations: [{ row: 4 }, { row: 9 }] });
    expect(getCheck(r, 'negative-volume')).toMatchObject({ severity: 'error', count: 1, locations: [{ row: 12 }] });
    expect(r.errors).toBe(1);
    expect(r.warnings).toBe(2);
  });

  it('flags infinite volume as an error of its own, neither negative nor missing', () => {
    const rows = cleanHourly(20);
    rows[5][5] = Infinity;
    rows[8][5] = -Infinity;
    const r = validateBars(bars(rows), h1);
    expect(getCheck(r, 'infinite-volume')).toMatchObject({ severity: 'error', count: 2, locations: [{ row: 5 }, { row: 8 }] });
    expect(getCheck(r, 'infinite-volume').message).toBe(`2 bars have infinite volume (first at row 5, ${new Date(rows[5][0]).toISOString().replace('.000Z', 'Z')}).`);
    expect(getCheck(r, 'negative-volume').count).toBe(0);
    expect(getCheck(r, 'nan-volume').count).toBe(0);
    expect(r.errors).toBe(1);
  });

  it('counts flat bars (O=H=L=C) as a warning', () => {
    const rows = cleanHourly(20);
    for (const i of [2, 3, 15]) rows[i] = [rows[i][0], 50, 50, 50, 50, 10];
    rows[16] = [rows[16][0], 50, 50, 50, 50.01, 10]; // not flat
    const c = getCheck(validateBars(bars(rows), h1), 'flat-bar');
    expect(c).toMatchObject({ severity: 'warning', count: 3 });
    expect(c.locations.map((l) => l.row)).toEqual([2, 3, 15]);
  });

  it('keeps at most maxLocations locations but counts everything', () => {
    const rows = cleanHourly(30);
    for (let i = 0; i < 30; i += 2) rows[i][5] = 0;
    const c = getCheck(validateBars(bars(rows), h1, { maxLocations: 2 }), 'zero-volume');
    expect(c.count).toBe(15);
    expect(c.locations.map((l) => l.row)).toEqual([0, 2]);
  });
});

describe('gaps', () => {
  it('counts gaps, missing bars, the largest gap and its duration', () => {
    const rows = cleanHourly(100);
    rows.splice(60, 26); // bars 60..85 missing: 59 -> 86 is 27h apart
    rows.splice(10, 3); // bars 10..12 missing: 9 -> 13
    rows.splice(5, 1); // bar 5 missing
    const r = validateBars(bars(rows), h1);
    const c = getCheck(r, 'gap');
    expect(c).toMatchObject({ severity: 'warning', count: 3 });
    expect(r.gaps).toEqual({
      gaps: 3,
      missingBars: 30,
      largest: { duration: '1d03h', bars: 26, from: '2024-01-03T11:00:00Z', to: '2024-01-04T14:00:00Z', fromRow: 55, toRow: 56 },
    });
    expect(c.locations[0]).toEqual({ row: 4, time: '2024-01-01T04:00:00Z', toRow: 5, toTime: '2024-01-01T06:00:00Z', bars: 1, duration: '2h' });
    expect(r.ok).toBe(true);
  });

  it('reports spacings that are not a whole number of bars as off-grid', () => {
    const rows = cleanHourly(6);
    rows[3][0] = (rows[3][0] as number) + 30 * 60_000; // 03:30
    const r = validateBars(bars(rows), h1);
    expect(getCheck(r, 'off-grid')).toMatchObject({ severity: 'warning', count: 2 });
    // 02:00 -> 03:30 leaves the 03:00 slot empty (one missing bar); 03:30 -> 04:00 leaves none.
    expect(r.gaps!.missingBars).toBe(1);
  });

  it('uses calendar months for 1mo, also with month-end labels', () => {
    const tf = parseTimeframe('1mo');
    const monthEnds = ['2012-01-31', '2012-02-29', '2012-03-31', '2012-06-30', '2012-07-31'].map(
      (d, i) => [`${d}T00:00:00Z`, 10 + i, 12 + i, 9 + i, 11 + i, 1] as Row,
    );
    let g = findGaps(bars(monthEnds), tf);
    expect(g.summary).toMatchObject({ gaps: 1, missingBars: 2, largest: { bars: 2, from: '2012-03-31T00:00:00Z' } });
    expect(g.offGrid.count).toBe(0);
    const firsts = ['2012-01-01', '2012-02-01', '2012-03-01', '2012-04-01', '2013-04-01'].map(
      (d, i) => [`${d}T00:00:00Z`, 10 + i, 12 + i, 9 + i, 11 + i, 1] as Row,
    );
    g = findGaps(bars(firsts), tf);
    expect(g.summary).toMatchObject({ gaps: 1, missingBars: 11 });
    expect(g.offGrid.count).toBe(0);
  });

  it('with calendar weekdays does not expect Saturday or Sunday bars', () => {
    const d1 = parseTimeframe('1d');
    const D = 86_400_000;
    // Mon 2024-01-01 .. Fri 01-05, Mon 01-08, Wed 01-10 (Tue missing), Mon 01-15 (Thu, Fri missing)
    const days = [0, 1, 2, 3, 4, 7, 9, 14].map((k, i) => [T0 + k * D, 10 + i, 12 + i, 9 + i, 11 + i, 1] as Row);
    const weekdays = validateBars(bars(days), d1, { calendar: 'weekdays' });
    expect(weekdays.gaps).toMatchObject({ gaps: 2, missingBars: 3, largest: { bars: 2, duration: '5d' } });
    const all = validateBars(bars(days), d1);
    expect(all.gaps).toMatchObject({ gaps: 3, missingBars: 7 });
    // Hourly: Friday 20:00 -> Monday 01:00 misses 21..23 Fri and 00:00 Mon (4), not the 48 weekend hours.
    const fri = Date.UTC(2024, 0, 5, 20);
    const mon = Date.UTC(2024, 0, 8, 1);
    const g = findGaps(bars([[fri, 1, 2, 0.5, 1.5, 1], [mon, 1, 2, 0.5, 1.5, 2]]), h1, { calendar: 'weekdays' });
    expect(g.summary).toMatchObject({ gaps: 1, missingBars: 4, largest: { duration: '2d05h' } });
    // A weekend-only hole is no gap at all.
    const sun = Date.UTC(2024, 0, 7, 23);
    const satEve = Date.UTC(2024, 0, 6, 1);
    expect(findGaps(bars([[satEve, 1, 2, 0.5, 1.5, 1], [sun, 1, 2, 0.5, 1.5, 2]]), h1, { calendar: 'weekdays' }).summary.gaps).toBe(0);
  });

  it('formats durations as 3d01h, 2d00h03m, 2h50m', () => {
    const m = 60_000;
    expect(formatDuration(3 * 86_400_000 + H)).toBe('3d01h');
    expect(formatDuration(2 * 86_400_000 + 3 * m)).toBe('2d00h03m');
    expect(formatDuration(2 * H + 50 * m)).toBe('2h50m');
    expect(formatDuration(10 * m)).toBe('10m');
    expect(formatDuration(86_400_000)).toBe('1d');
    expect(formatDuration(H + 30_000)).toBe('1h00m30s');
    expect(formatDuration(0)).toBe('0s');
  });
});

describe('outlier returns', () => {
  it('flags a spike by robust z-score and honours the threshold option', () => {
    const rows = cleanHourly(300);
    // A bad tick: bar 150 closes 10x higher, bar 151 opens back at the old level.
    const c150 = rows[150][4] * 10;
    rows[150] = [rows[150][0], rows[150][1], c150, rows[150][3], c150, 1];
    rows[151][1] = rows[149][4];
    const b = bars(rows);
    const c = getCheck(validateBars(b, h1), 'outlier-return');
    expect(c).toMatchObject({ severity: 'warning', count: 2 });
    expect(c.locations.map((l) => l.row)).toEqual([150, 151]);
    expect(c.locations[0].value).toBeGreaterThan(100);
    expect(c.locations[1].value).toBeLessThan(-100);
    // Hand check of the z-score against an independent median/MAD.
    const r = Array.from({ length: b.length - 1 }, (_, i) => Math.log(b.close[i + 1] / b.close[i]));
    const med = (xs: number[]) => {
      const s = [...xs].sort((x, y) => x - y);
      return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    };
    const m = med(r);
    const mad = med(r.map((x) => Math.abs(x - m)));
    const z = (0.6745 * (r[149] - m)) / mad;
    expect(c.locations[0].value).toBeCloseTo(z, 1);
    const zBack = (0.6745 * (r[150] - m)) / mad;
    expect(c.locations[1].value).toBeCloseTo(zBack, 1);
    const between = (Math.abs(z) + Math.abs(zBack)) / 2;
    expect(getCheck(validateBars(b, h1, { outlierThreshold: between }), 'outlier-return').count).toBe(1);
    expect(getCheck(validateBars(b, h1, { outlierThreshold: Math.max(Math.abs(z), Math.abs(zBack)) + 1 }), 'outlier-return').count).toBe(0);
  });

  it('falls back to the mean absolute deviation when the MAD is 0', () => {
    // Mostly unchanged closes (illiquid): MAD = 0. One 5% jump among tiny moves.
    const closes = Array.from({ length: 100 }, (_, i) => (i < 60 ? 100 : 105) + (i % 10 === 0 ? 0.01 : 0));
    const rows = closes.map((c, i) => [T0 + i * H, c, c + 1, c - 1, c, 1] as Row);
    const o = checkOutlierReturns(bars(rows), 10);
    expect(o.scale).toBeGreaterThan(0);
    expect(o.count).toBe(1);
    expect(o.locations[0].row).toBe(60);
  });

  it('flags nothing when every return is equal', () => {
    const rows = Array.from({ length: 20 }, (_, i) => [T0 + i * H, 100, 101, 99, 100, 1] as Row);
    expect(checkOutlierReturns(bars(rows)).count).toBe(0);
  });
});

describe('repeated blocks', () => {
  const rowsFromIds = (ids: number[]) =>
    ids.map((id, i) => [T0 + i * H, 100 + id, 101 + id, 99 + id, 100.5 + id, 10 + id] as Row);

  it('finds a block repeated later, at its maximal length, once', () => {
    // 0..19 distinct, then bars 3..7 again, then distinct again.
    const ids = [...Array.from({ length: 20 }, (_, i) => i), 3, 4, 5, 6, 7, 40, 41, 42];
    const blocks = findRepeatedBlocks(bars(rowsFromIds(ids)));
    expect(blocks).toEqual([{ length: 5, firstRow: 3, firstAt: '2024-01-01T03:00:00Z', repeatRow: 20, repeatAt: '2024-01-01T20:00:00Z' }]);
    const r = validateBars(bars(rowsFromIds(ids)), h1);
    expect(getCheck(r, 'repeated-block')).toMatchObject({
      severity: 'warning',
      count: 1,
      locations: [{ row: 3, toRow: 7, repeatRow: 20, bars: 5 }],
    });
  });

  it('finds an adjacent repeat (the copy right after the original)', () => {
    const ids = [0, 1, 2, 3, 4, 5, 6, 2, 3, 4, 5, 6, 7, 8];
    expect(findRepeatedBlocks(bars(rowsFromIds(ids)))).toMatchObject([{ length: 5, firstRow: 2, repeatRow: 7 }]);
  });

  it('ignores runs shorter than the minimum, and honours minRepeatLength', () => {
    const ids = [0, 1, 2, 3, 4, 2, 3, 9, 10];
    expect(findRepeatedBlocks(bars(rowsFromIds(ids)))).toEqual([]);
    expect(findRepeatedBlocks(bars(rowsFromIds(ids)), 2)).toMatchObject([{ length: 2, firstRow: 2, repeatRow: 5 }]);
  });

  it('does not report constant runs (filled-in flat bars), however long or often', () => {
    const flat = (i: number): Row => [T0 + i * H, 50, 50, 50, 50, 0];
    const rows: Row[] = [];
    for (let i = 0; i < 60; i++) rows.push(i < 5 || (i >= 20 && i < 35) || i >= 50 ? flat(i) : [T0 + i * H, 100 + i, 101 + i, 99 + i, 100 + i, i]);
    expect(findRepeatedBlocks(bars(rows))).toEqual([]);
  });

  it('does not report a pattern that only matches itself overlapping', () => {
    const ids = [9, 0, 1, 0, 1, 0, 8]; // window 0,1,0 at rows 1 and 3 overlap
    expect(findRepeatedBlocks(bars(rowsFromIds(ids)))).toEqual([]);
  });

  it('compares all five fields: a different volume breaks the block', () => {
    const rows = rowsFromIds([0, 1, 2, 3, 4, 1, 2, 3, 9]);
    rows[6][5] += 1;
    expect(findRepeatedBlocks(bars(rows))).toEqual([]);
    const rows2 = rowsFromIds([0, 1, 2, 3, 4, 1, 2, 3, 9]);
    expect(findRepeatedBlocks(bars(rows2))).toMatchObject([{ length: 3, firstRow: 1, repeatRow: 5 }]);
  });

  it('never lets the two copies overlap when extending (a block three times back to back)', () => {
    const ids = [9, 0, 1, 2, 0, 1, 2, 0, 1, 2, 8];
    expect(findRepeatedBlocks(bars(rowsFromIds(ids))).map((b) => [b.firstRow, b.repeatRow, b.length])).toEqual([
      [1, 4, 3],
      [1, 7, 3],
    ]);
  });

  it('reports a block repeated twice against its first copy', () => {
    const ids = [0, 1, 2, 3, 10, 1, 2, 3, 11, 1, 2, 3, 12];
    expect(findRepeatedBlocks(bars(rowsFromIds(ids))).map((b) => [b.firstRow, b.repeatRow, b.length])).toEqual([
      [1, 5, 3],
      [1, 9, 3],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// The real files: exactly the known defects of ../shared/datasets/README.md "Data-quality notes".

interface Known {
  tf: string;
  gaps: number;
  missing: number;
  largest?: string;
  flat: number;
  zeroVolume?: number;
  noVolume?: boolean;
  blocks?: number;
}

const KNOWN: Record<string, Known> = {
  'eur-usd_1h': { tf: '1h', gaps: 42, missing: 2063, largest: '3d01h', flat: 2 },
  'gbp-usd_1m': { tf: '1m', gaps: 111, missing: 11644, largest: '2d00h03m', flat: 0, noVolume: true },
  'usd-jpy_1m': { tf: '1m', gaps: 38, missing: 11560, largest: '2d00h03m', flat: 0, noVolume: true },
  'btc-perp_1m': { tf: '1m', gaps: 0, missing: 0, flat: 5 },
  'btc-usd_1h': { tf: '1h', gaps: 0, missing: 0, flat: 30, zeroVolume: 28, blocks: 1 },
  'btc-usd_1mo': { tf: '1mo', gaps: 0, missing: 0, flat: 0 },
  'ada-btc_5m': { tf: '5m', gaps: 5, missing: 40, largest: '2h50m', flat: 2 },
  'dash-btc_5m': { tf: '5m', gaps: 2, missing: 2, largest: '10m', flat: 40 },
  'trx-btc_5m': { tf: '5m', gaps: 6, missing: 6, largest: '10m', flat: 71 },
  'xmr-btc_5m': { tf: '5m', gaps: 2, missing: 2, largest: '10m', flat: 53 },
  'zec-btc_5m': { tf: '5m', gaps: 2, missing: 2, largest: '10m', flat: 34 },
  'etc-btc_5m': { tf: '5m', gaps: 0, missing: 0, flat: 4 },
  'nxt-btc_5m': { tf: '5m', gaps: 0, missing: 0, flat: 39 },
  'eth-btc_5m': { tf: '5m', gaps: 0, missing: 0, flat: 0 },
  'ltc-btc_5m': { tf: '5m', gaps: 0, missing: 0, flat: 0 },
  'xlm-btc_5m': { tf: '5m', gaps: 0, missing: 0, flat: 0 },
};

describeShared('validateBars on the shared real files', () => {
  for (const [file, k] of Object.entries(KNOWN)) {
    it(`${file}: exactly the known defects`, () => {
      const b = readSharedCsv(`${file}.csv`);
      const tf = parseTimeframe(k.tf);
      const r = validateBars(b, tf);
      const expected: Partial<Record<QualityCheckName, number>> = {};
      if (k.gaps) expected.gap = k.gaps;
      if (k.noVolume) expected['no-volume'] = 1;
      if (k.zeroVolume) expected['zero-volume'] = k.zeroVolume;
      if (k.flat) expected['flat-bar'] = k.flat;
      if (k.blocks) expected['repeated-block'] = k.blocks;
      expect(fired(r)).toEqual(expected);
      expect(r.ok).toBe(true);
      expect(r.gaps!.gaps).toBe(k.gaps);
      expect(r.gaps!.missingBars).toBe(k.missing);
      expect(r.gaps!.largest?.duration).toBe(k.largest);
      // Independent naive gap count (fixed-length timeframes).
      if (tf.unit !== 'mo') {
        let gaps = 0;
        let missing = 0;
        for (let i = 1; i < b.length; i++) {
          const bars = (b.time[i] - b.time[i - 1]) / tf.ms - 1;
          if (bars > 0) {
            gaps++;
            missing += bars;
          }
        }
        expect([gaps, missing]).toEqual([k.gaps, k.missing]);
      }
    });
  }

  it('btc-usd_1h: the one repeated block is the 5 bars at 2017-11-12T04:00Z..08:00Z copying 2017-11-11T23:00Z..2017-11-12T03:00Z', () => {
    const b = readSharedCsv('btc-usd_1h.csv');
    const c = getCheck(validateBars(b, parseTimeframe('1h')), 'repeated-block');
    expect(c.locations).toEqual([
      {
        row: 3204,
        time: '2017-11-11T23:00:00Z',
        toRow: 3208,
        toTime: '2017-11-12T03:00:00Z',
        repeatRow: 3209,
        repeatTime: '2017-11-12T04:00:00Z',
        bars: 5,
      },
    ]);
    // Independent check: every pair of equal, non-constant, non-overlapping 3-bar windows (string keys)
    // lies inside that block.
    const key = (i: number) => `${b.open[i]},${b.high[i]},${b.low[i]},${b.close[i]},${b.volume[i]}`;
    const seen = new Map<string, number[]>();
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i + 3 <= b.length; i++) {
      const ks = [key(i), key(i + 1), key(i + 2)];
      if (ks[0] === ks[1] && ks[1] === ks[2]) continue;
      const w = ks.join('|');
      for (const j of seen.get(w) ?? []) if (j + 3 <= i) pairs.push([j, i]);
      seen.set(w, [...(seen.get(w) ?? []), i]);
    }
    expect(pairs).toEqual([
      [3204, 3209],
      [3205, 3210],
      [3206, 3211],
    ]);
    // The zero-volume bars are all flat (filled-in hours).
    for (let i = 0; i < b.length; i++) if (b.volume[i] === 0) expect(b.open[i] === b.high[i] && b.low[i] === b.close[i] && b.open[i] === b.close[i]).toBe(true);
  });

  it('daily equities with calendar weekdays: only exchange holidays are gaps (goog_1d: 77 gaps, 79 missing days)', () => {
    const b = readSharedCsv('goog_1d.csv');
    const r = validateBars(b, parseTimeframe('1d'), { calendar: 'weekdays' });
    expect(fired(r)).toEqual({ gap: 77 });
    expect(r.gaps).toMatchObject({ gaps: 77, missingBars: 79, largest: { bars: 2, from: '2006-12-29T00:00:00Z', to: '2007-01-03T00:00:00Z' } });
    // Naive independent count: every Monday..Friday between the first and last date without a bar.
    const have = new Set(Array.from(b.time));
    let missing = 0;
    for (let t = b.time[0]; t <= b.time[b.length - 1]; t += 86_400_000) {
      const day = new Date(t).getUTCDay();
      if (day !== 0 && day !== 6 && !have.has(t)) missing++;
    }
    expect(missing).toBe(79);
    const years = (b.time[b.length - 1] - b.time[0]) / (365.25 * 86_400_000);
    expect(missing / years).toBeGreaterThan(8);
    expect(missing / years).toBeLessThan(10.5); // about 9 NYSE/NASDAQ holidays a year
  });

  it('other daily equities: clean apart from holidays with calendar weekdays', () => {
    for (const [file, gaps, missing] of [
      ['orcl_1d', 176, 181],
      ['nvda_1d', 142, 147],
      ['yhoo_1d', 166, 171],
    ] as const) {
      const r = validateBars(readSharedCsv(`${file}.csv`), parseTimeframe('1d'), { calendar: 'weekdays' });
      expect(fired(r), file).toEqual({ gap: gaps });
      expect(r.gaps!.missingBars, file).toBe(missing);
    }
  });

  it('no shared file comes near the default outlier threshold except genuine market moves (max |z| 76 < 100)', () => {
    const b = readSharedCsv('usd-jpy_1m.csv');
    const o = checkOutlierReturns(b);
    expect(o.count).toBe(0);
    expect(o.maxAbsZ).toBeGreaterThan(70);
    expect(o.maxAbsZ).toBeLessThan(DEFAULT_OUTLIER_THRESHOLD);
  });
});
