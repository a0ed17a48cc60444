import { describe, expect, it } from 'vitest';
import * as ti from 'technicalindicators';
import { ATR, BollingerBands, DonchianChannels, TR } from 'trading-signals';
import { atr, bollingerBands, donchianChannels, keltnerChannels, trueRange } from '../../src/indicators/index.js';
import { describeShared, readSharedCsv } from '../helpers/shared.js';
import { align, expectSeriesClose, randomOhlcv, type Ohlcv } from './helpers.js';

// ---- naive references ----
function refTr(b: Ohlcv): Float64Array {
  return b.close.map((_, i) =>
    i === 0 ? NaN : Math.max(b.high[i] - b.low[i], Math.abs(b.high[i] - b.close[i - 1]), Math.abs(b.low[i] - b.close[i - 1])),
  );
}
function refAtr(b: Ohlcv, p: number): Float64Array {
  const tr = refTr(b);
  const out = new Float64Array(b.length).fill(NaN);
  if (b.length <= p) return out;
  let a = 0;
  for (let i = 1; i <= p; i++) a += tr[i];
  a /= p;
  out[p] = a;
  for (let i = p + 1; i < b.length; i++) {
    a = a + (tr[i] - a) / p;
    out[i] = a;
  }
  return out;
}
function refBands(x: Float64Array, p: number, k: number) {
  const mid = new Float64Array(x.length).fill(NaN);
  const up = new Float64Array(x.length).fill(NaN);
  const lo = new Float64Array(x.length).fill(NaN);
  for (let i = p - 1; i < x.length; i++) {
    const w = Array.from(x.subarray(i - p + 1, i + 1));
    const m = w.reduce((a, v) => a + v, 0) / p;
    const sd = Math.sqrt(w.reduce((a, v) => a + (v - m) ** 2, 0) / p);
    mid[i] = m;
    up[i] = m + k * sd;
    lo[i] = m - k * sd;
  }
  return { upper: up, middle: mid, lower: lo };
}
function refEma(x: Float64Array, p: number): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  if (x.length < p) return out;
  out[p - 1] = x.subarray(0, p).reduce((a, v) => a + v, 0) / p;
  for (let i = p; i < x.length; i++) out[i] = out[i - 1] + (2 / (p + 1)) * (x[i] - out[i - 1]);
  return out;
}
function refDonchian(b: Ohlcv, p: number) {
  const up = b.high.map((_, i) => (i < p - 1 ? NaN : Math.max(...b.high.subarray(i - p + 1, i + 1))));
  const lo = b.low.map((_, i) => (i < p - 1 ? NaN : Math.min(...b.low.subarray(i - p + 1, i + 1))));
  return { upper: up, lower: lo, middle: up.map((u, i) => (u + lo[i]) / 2) };
}
const candles = (b: Ohlcv) => Array.from(b.close, (c, i) => ({ open: b.open[i], high: b.high[i], low: b.low[i], close: c }));

describe('volatility against naive references', () => {
  for (const seed of [1, 2, 3, 4]) {
    const b = randomOhlcv(seed, 260, { tick: seed === 4 ? 0.25 : 0 });
    it(`seed ${seed}: true range (TR[0] NaN)`, () => {
      expectSeriesClose(trueRange(b.high, b.low, b.close), refTr(b), { label: 'tr' });
    });
    for (const p of [1, 2, 5, 14, 20, 100, 259, 260, 400]) {
      it(`seed ${seed} period ${p}: ATR, Bollinger (k 2 and 1.5), Donchian, Keltner`, () => {
        expectSeriesClose(atr(b.high, b.low, b.close, p), refAtr(b, p), { label: 'atr' });
        for (const k of [2, 1.5]) {
          const got = bollingerBands(b.close, p, k);
          const ref = refBands(b.close, p, k);
          // σ of a window can be ~0 relative to the price: tolerance scaled by the price level (~100)
          expectSeriesClose(got.middle, ref.middle, { label: 'bb mid' });
          expectSeriesClose(got.upper, ref.upper, { abs: 1e-10, label: 'bb up' });
          expectSeriesClose(got.lower, ref.lower, { abs: 1e-10, label: 'bb lo' });
        }
        const dc = donchianChannels(b.high, b.low, p);
        const dr = refDonchian(b, p);
        expectSeriesClose(dc.upper, dr.upper, { rel: 0, label: 'dc up' });
        expectSeriesClose(dc.lower, dr.lower, { rel: 0, label: 'dc lo' });
        expectSeriesClose(dc.middle, dr.middle, { rel: 0, label: 'dc mid' });
        const kc = keltnerChannels(b.high, b.low, b.close, p + 5, p, 2);
        const mid = refEma(b.close, p + 5);
        const a = refAtr(b, p);
        const ok = (i: number) => !Number.isNaN(mid[i]) && !Number.isNaN(a[i]);
        expectSeriesClose(kc.middle, mid.map((m, i) => (ok(i) ? m : NaN)), { label: 'kc mid' });
        expectSeriesClose(kc.upper, mid.map((m, i) => (ok(i) ? m + 2 * a[i] : NaN)), { label: 'kc up' });
        expectSeriesClose(kc.lower, mid.map((m, i) => (ok(i) ? m - 2 * a[i] : NaN)), { label: 'kc lo' });
      });
    }
  }
});

describe('volatility against technicalindicators and trading-signals', () => {
  for (const seed of [31, 32]) {
    const b = randomOhlcv(seed, 700);
    const n = b.length;
    const hlc = { high: Array.from(b.high), low: Array.from(b.low), close: Array.from(b.close) };
    const cs = candles(b);
    for (const p of [3, 14, 20]) {
      it(`seed ${seed} period ${p}: TR and ATR match technicalindicators exactly aligned (TR from bar 1, SMA seed)`, () => {
        expectSeriesClose(trueRange(b.high, b.low, b.close), align(n, ti.truerange(hlc), 1), { label: 'ti tr' });
        expectSeriesClose(atr(b.high, b.low, b.close, p), align(n, ti.atr({ ...hlc, period: p }), p), { label: 'ti atr' });
      });
      it(`seed ${seed} period ${p}: trading-signals TR (bar 0 = high − low) and ATR (seeded one bar earlier) agree after bar 0 / once the seed decays`, () => {
        const tr = new TR();
        const tsTr = Float64Array.from(cs, (c) => tr.add(c) ?? NaN);
        tsTr[0] = NaN;
        expectSeriesClose(trueRange(b.high, b.low, b.close), tsTr, { label: 'ts tr' });
        const at = new ATR(p);
        const tsAtr = Float64Array.from(cs, (c) => at.add(c) ?? NaN);
        const from = Math.ceil(Math.log(1e-13) / Math.log(1 - 1 / p)) + p + 1;
        expectSeriesClose(atr(b.high, b.low, b.close, p), tsAtr, { from, label: 'ts atr' });
      });
      it(`seed ${seed} period ${p}: Bollinger and Donchian match trading-signals; Bollinger and Keltner match technicalindicators`, () => {
        const bb = bollingerBands(b.close, p, 2);
        const tsb = new BollingerBands(p, 2);
        const up = new Float64Array(n).fill(NaN);
        const mid = new Float64Array(n).fill(NaN);
        b.close.forEach((v, i) => {
          const r = tsb.add(v);
          if (r) {
            up[i] = r.upper;
            mid[i] = r.middle;
          }
        });
        expectSeriesClose(bb.upper, up, { abs: 1e-10, label: 'ts bb up' });
        expectSeriesClose(bb.middle, mid, { label: 'ts bb mid' });
        const tib = ti.bollingerbands({ period: p, stdDev: 2, values: hlc.close });
        expectSeriesClose(bb.lower, align(n, tib.map((r) => r.lower), p - 1), { abs: 1e-10, label: 'ti bb lo' });
        const dc = new DonchianChannels(p);
        const dUp = new Float64Array(n).fill(NaN);
        cs.forEach((c, i) => {
          const r = dc.add(c);
          if (r) dUp[i] = r.upper;
        });
        expectSeriesClose(donchianChannels(b.high, b.low, p).upper, dUp, { rel: 0, label: 'ts dc' });
        const kc = keltnerChannels(b.high, b.low, b.close, 20, p, 2);
        const tik = ti.keltnerchannels({ ...hlc, maPeriod: 20, atrPeriod: p, useSMA: false, multiplier: 2 });
        const off = Math.max(19, p);
        expectSeriesClose(kc.upper, align(n, tik.map((r) => r.upper), off), { label: 'ti kc up' });
        expectSeriesClose(kc.middle, align(n, tik.map((r) => r.middle), off), { label: 'ti kc mid' });
      });
    }
  }
});

describe('hand-worked values', () => {
  it('true range uses the previous close when it lies outside the bar', () => {
    const high = Float64Array.from([10, 12, 11]);
    const low = Float64Array.from([9, 11, 7]);
    const close = Float64Array.from([9.5, 11.5, 8]);
    // bar 1: max(1, |12 − 9.5|, |11 − 9.5|) = 2.5; bar 2: max(4, |11 − 11.5|, |7 − 11.5|) = 4.5
    expect(Array.from(trueRange(high, low, close))).toEqual([NaN, 2.5, 4.5]);
    // ATR(2): first at index 2 = (2.5 + 4.5)/2 = 3.5
    expect(Array.from(atr(high, low, close, 2))).toEqual([NaN, NaN, 3.5]);
  });
  it('Bollinger(4, 2) of 1,2,3,4: mean 2.5, population σ √1.25', () => {
    const r = bollingerBands(Float64Array.from([1, 2, 3, 4]), 4, 2);
    expectSeriesClose(r.upper, [NaN, NaN, NaN, 2.5 + 2 * Math.sqrt(1.25)]);
    expectSeriesClose(r.lower, [NaN, NaN, NaN, 2.5 - 2 * Math.sqrt(1.25)]);
  });
});

describeShared('volatility on real data', () => {
  for (const file of ['btc-usd_1h.csv', 'goog_1d.csv']) {
    it(`${file}: ATR, Bollinger, Donchian, Keltner equal the naive references; ATR equals technicalindicators`, () => {
      const b: Ohlcv = readSharedCsv(file);
      const hlc = { high: Array.from(b.high), low: Array.from(b.low), close: Array.from(b.close) };
      expectSeriesClose(atr(b.high, b.low, b.close), refAtr(b, 14), { label: 'atr' });
      expectSeriesClose(atr(b.high, b.low, b.close), align(b.length, ti.atr({ ...hlc, period: 14 }), 14), { label: 'ti atr' });
      const bb = bollingerBands(b.close);
      const br = refBands(b.close, 20, 2);
      const scale = 1e-12 * Math.max(...b.close);
      expectSeriesClose(bb.upper, br.upper, { abs: scale, label: 'bb up' });
      expectSeriesClose(bb.lower, br.lower, { abs: scale, label: 'bb lo' });
      const dc = donchianChannels(b.high, b.low);
      expectSeriesClose(dc.middle, refDonchian(b, 20).middle, { rel: 0, label: 'dc' });
      const kc = keltnerChannels(b.high, b.low, b.close);
      const mid = refEma(b.close, 20);
      const a10 = refAtr(b, 10);
      expectSeriesClose(kc.upper, mid.map((m, i) => m + 2 * a10[i]), { label: 'kc' });
    });
  }
});
