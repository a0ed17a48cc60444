/**
 * Every public kernel with the inputs it reads and its documented warm-up, so the convention tests
 * (warm-up counts, window > data, NaN breaks, no look-ahead, Into = convenience) cover them all uniformly.
 */
import * as I from '../../src/indicators/index.js';
import type { Ohlcv } from './helpers.js';

export type Field = 'high' | 'low' | 'close' | 'volume';

export interface KernelCase {
  name: string;
  inputs: Field[];
  /** Outputs of the convenience form. */
  run: (b: Ohlcv) => Float64Array[];
  /** Outputs of the Into form, written into fresh buffers it is given. */
  runInto: (b: Ohlcv) => Float64Array[];
  /** Documented leading NaNs of each output, in the same order. */
  warmups: number[];
}

const f = (n: number) => new Float64Array(n);

function single(
  name: string,
  inputs: Field[],
  warmup: number,
  run: (b: Ohlcv) => Float64Array,
  into: (out: Float64Array, b: Ohlcv) => Float64Array,
): KernelCase {
  return { name, inputs, warmups: [warmup], run: (b) => [run(b)], runInto: (b) => [into(f(b.length), b)] };
}

export function kernelCases(): KernelCase[] {
  const cases: KernelCase[] = [];
  for (const p of [1, 2, 5, 14]) {
    cases.push(single(`sma(${p})`, ['close'], p - 1, (b) => I.sma(b.close, p), (o, b) => I.smaInto(o, b.close, p)));
    cases.push(single(`ema(${p})`, ['close'], p - 1, (b) => I.ema(b.close, p), (o, b) => I.emaInto(o, b.close, p)));
    cases.push(single(`wma(${p})`, ['close'], p - 1, (b) => I.wma(b.close, p), (o, b) => I.wmaInto(o, b.close, p)));
    cases.push(single(`dema(${p})`, ['close'], 2 * (p - 1), (b) => I.dema(b.close, p), (o, b) => I.demaInto(o, b.close, p)));
    cases.push(single(`tema(${p})`, ['close'], 3 * (p - 1), (b) => I.tema(b.close, p), (o, b) => I.temaInto(o, b.close, p)));
    cases.push(single(`rsi(${p})`, ['close'], p, (b) => I.rsi(b.close, p), (o, b) => I.rsiInto(o, b.close, p)));
    cases.push(single(`roc(${p})`, ['close'], p, (b) => I.roc(b.close, p), (o, b) => I.rocInto(o, b.close, p)));
    cases.push(single(`momentum(${p})`, ['close'], p, (b) => I.momentum(b.close, p), (o, b) => I.momentumInto(o, b.close, p)));
    cases.push(single(`kama(${p})`, ['close'], p, (b) => I.kama(b.close, p), (o, b) => I.kamaInto(o, b.close, p)));
    cases.push(single(`atr(${p})`, ['high', 'low', 'close'], p, (b) => I.atr(b.high, b.low, b.close, p), (o, b) => I.atrInto(o, b.high, b.low, b.close, p)));
    cases.push(single(`williamsR(${p})`, ['high', 'low', 'close'], p - 1, (b) => I.williamsR(b.high, b.low, b.close, p), (o, b) => I.williamsRInto(o, b.high, b.low, b.close, p)));
    cases.push(single(`cci(${p})`, ['high', 'low', 'close'], p - 1, (b) => I.cci(b.high, b.low, b.close, p), (o, b) => I.cciInto(o, b.high, b.low, b.close, p)));
    cases.push(single(`mfi(${p})`, ['high', 'low', 'close', 'volume'], p, (b) => I.mfi(b.high, b.low, b.close, b.volume, p), (o, b) => I.mfiInto(o, b.high, b.low, b.close, b.volume, p)));
    cases.push(single(`rollingVwap(${p})`, ['high', 'low', 'close', 'volume'], p - 1, (b) => I.rollingVwap(b.high, b.low, b.close, b.volume, p), (o, b) => I.rollingVwapInto(o, b.high, b.low, b.close, b.volume, p)));
    cases.push(single(`rollingStd(${p})`, ['close'], p - 1, (b) => I.rollingStd(b.close, p), (o, b) => I.rollingStdInto(o, b.close, p)));
    cases.push(single(`zScore(${p})`, ['close'], p - 1, (b) => I.zScore(b.close, p), (o, b) => I.zScoreInto(o, b.close, p)));
    cases.push(single(`rollingMin(${p})`, ['close'], p - 1, (b) => I.rollingMin(b.close, p), (o, b) => I.rollingMinInto(o, b.close, p)));
    cases.push(single(`rollingMax(${p})`, ['close'], p - 1, (b) => I.rollingMax(b.close, p), (o, b) => I.rollingMaxInto(o, b.close, p)));
    const bandsOut = (r: I.BandsResult) => [r.upper, r.middle, r.lower];
    const bands = (n: number): I.BandsResult => ({ upper: f(n), middle: f(n), lower: f(n) });
    cases.push({
      name: `bollingerBands(${p})`,
      inputs: ['close'],
      warmups: [p - 1, p - 1, p - 1],
      run: (b) => bandsOut(I.bollingerBands(b.close, p, 2)),
      runInto: (b) => bandsOut(I.bollingerBandsInto(bands(b.length), b.close, p, 2)),
    });
    cases.push({
      name: `donchianChannels(${p})`,
      inputs: ['high', 'low'],
      warmups: [p - 1, p - 1, p - 1],
      run: (b) => bandsOut(I.donchianChannels(b.high, b.low, p)),
      runInto: (b) => bandsOut(I.donchianChannelsInto(bands(b.length), b.high, b.low, p)),
    });
    const kw = Math.max(p + 3 - 1, p);
    cases.push({
      name: `keltnerChannels(${p + 3}, ${p})`,
      inputs: ['high', 'low', 'close'],
      warmups: [kw, kw, kw],
      run: (b) => bandsOut(I.keltnerChannels(b.high, b.low, b.close, p + 3, p, 1.5)),
      runInto: (b) => bandsOut(I.keltnerChannelsInto(bands(b.length), b.high, b.low, b.close, p + 3, p, 1.5)),
    });
    const adxOut = (r: I.AdxResult) => [r.adx, r.plusDi, r.minusDi];
    cases.push({
      name: `adx(${p})`,
      inputs: ['high', 'low', 'close'],
      warmups: [2 * p - 1, p, p],
      run: (b) => adxOut(I.adx(b.high, b.low, b.close, p)),
      runInto: (b) => adxOut(I.adxInto({ adx: f(b.length), plusDi: f(b.length), minusDi: f(b.length) }, b.high, b.low, b.close, p)),
    });
    const aroonOut = (r: I.AroonResult) => [r.up, r.down, r.oscillator];
    cases.push({
      name: `aroon(${p})`,
      inputs: ['high', 'low'],
      warmups: [p, p, p],
      run: (b) => aroonOut(I.aroon(b.high, b.low, p)),
      runInto: (b) => aroonOut(I.aroonInto({ up: f(b.length), down: f(b.length), oscillator: f(b.length) }, b.high, b.low, p)),
    });
    const stOut = (r: I.SuperTrendResult) => [r.line, r.direction];
    cases.push({
      name: `superTrend(${p})`,
      inputs: ['high', 'low', 'close'],
      warmups: [p, p],
      run: (b) => stOut(I.superTrend(b.high, b.low, b.close, p, 2)),
      runInto: (b) => stOut(I.superTrendInto({ line: f(b.length), direction: f(b.length) }, b.high, b.low, b.close, p, 2)),
    });
  }
  for (const p of [2, 3, 9, 16]) {
    cases.push(single(`hma(${p})`, ['close'], p + Math.floor(Math.sqrt(p)) - 2, (b) => I.hma(b.close, p), (o, b) => I.hmaInto(o, b.close, p)));
    cases.push(single(`rollingRank(${p})`, ['close'], p - 1, (b) => I.rollingRank(b.close, p), (o, b) => I.rollingRankInto(o, b.close, p)));
    cases.push(single(`linearRegressionSlope(${p})`, ['close'], p - 1, (b) => I.linearRegressionSlope(b.close, p), (o, b) => I.linearRegressionSlopeInto(o, b.close, p)));
  }
  cases.push(single('trueRange', ['high', 'low', 'close'], 1, (b) => I.trueRange(b.high, b.low, b.close), (o, b) => I.trueRangeInto(o, b.high, b.low, b.close)));
  cases.push(single('obv', ['close', 'volume'], 0, (b) => I.obv(b.close, b.volume), (o, b) => I.obvInto(o, b.close, b.volume)));
  cases.push(single('parabolicSar', ['high', 'low'], 1, (b) => I.parabolicSar(b.high, b.low), (o, b) => I.parabolicSarInto(o, b.high, b.low)));
  for (const [fa, sl, sg] of [
    [12, 26, 9],
    [3, 5, 2],
    [1, 2, 1],
  ]) {
    const out = (r: I.MacdResult) => [r.macd, r.signal, r.histogram];
    const w = sl + sg - 2;
    cases.push({
      name: `macd(${fa},${sl},${sg})`,
      inputs: ['close'],
      warmups: [w, w, w],
      run: (b) => out(I.macd(b.close, fa, sl, sg)),
      runInto: (b) => out(I.macdInto({ macd: f(b.length), signal: f(b.length), histogram: f(b.length) }, b.close, fa, sl, sg)),
    });
  }
  for (const [k, sk, sd] of [
    [14, 3, 3],
    [5, 1, 1],
    [3, 2, 4],
  ]) {
    const out = (r: I.StochasticResult) => [r.k, r.d];
    const w = k + sk + sd - 3;
    cases.push({
      name: `stochastic(${k},${sk},${sd})`,
      inputs: ['high', 'low', 'close'],
      warmups: [w, w],
      run: (b) => out(I.stochastic(b.high, b.low, b.close, k, sk, sd)),
      runInto: (b) => out(I.stochasticInto({ k: f(b.length), d: f(b.length) }, b.high, b.low, b.close, k, sk, sd)),
    });
  }
  for (const [c, ba, sp] of [
    [9, 26, 52],
    [3, 2, 5],
  ]) {
    const out = (r: I.IchimokuResult) => [r.tenkan, r.kijun, r.senkouA, r.senkouB];
    cases.push({
      name: `ichimoku(${c},${ba},${sp})`,
      inputs: ['high', 'low'],
      warmups: [c - 1, ba - 1, Math.max(c, ba) - 1, sp - 1],
      run: (b) => out(I.ichimoku(b.high, b.low, c, ba, sp)),
      runInto: (b) =>
        out(I.ichimokuInto({ tenkan: f(b.length), kijun: f(b.length), senkouA: f(b.length), senkouB: f(b.length) }, b.high, b.low, c, ba, sp)),
    });
  }
  return cases;
}
