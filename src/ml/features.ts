/**
 * A feature pipeline a strategy declares: a list of named features computed from bars, vectorized over the
 * whole history for backtests and datasets, and on the latest window live, by the same function (the live
 * value is the last row of `computeFeatures` on the bars the runner holds, so backtest and live agree when
 * the runner keeps at least `lookback` bars of history).
 *
 * A feature is written as text, so it can be stored in a model's metadata and compared with a strategy's:
 *   ret:N      log return over N bars, ln(close[t] / close[t-N])
 *   vol:N      rolling standard deviation of 1-bar log returns over N bars
 *   zscore:N   rolling z-score of the close over N bars
 *   volz:N     rolling z-score of the volume over N bars
 *   rsi:N      RSI(N) / 100
 *   sma:N      close / SMA(N) - 1
 *   ema:N      close / EMA(N) - 1
 *   atr:N      ATR(N) / close
 *   range      (high - low) / close
 * and any of them may be lagged by L bars with `@L` (ret:1@2 is the 1-bar return two bars ago).
 * Each value at bar t uses bars 0..t only: every kernel here is causal and lags shift towards the past.
 */
import type { Bars } from '../data/bars.js';
import { UserError, suggestion } from '../errors.js';
import { ema, sma } from '../indicators/moving-averages.js';
import { rsi } from '../indicators/oscillators.js';
import { rollingStd, zScore } from '../indicators/rolling.js';
import { atr } from '../indicators/volatility.js';

const KINDS = ['ret', 'vol', 'zscore', 'volz', 'rsi', 'sma', 'ema', 'atr', 'range'] as const;
type FeatureKind = (typeof KINDS)[number];

export interface FeatureDef {
  readonly name: string;
  readonly kind: FeatureKind;
  readonly window: number;
  readonly lag: number;
}

export interface FeaturePipeline {
  readonly names: readonly string[];
  readonly defs: readonly FeatureDef[];
  /** Bars of history before the first row with every feature defined. */
  readonly lookback: number;
}

const ACCEPTED = `${KINDS.filter((k) => k !== 'range').map((k) => `${k}:N`).join(', ')} or range, optionally lagged with @L`;

export function parseFeature(text: string): FeatureDef {
  const match = /^\s*([a-z]+)(?::(\d+))?(?:@(\d+))?\s*$/i.exec(text);
  const kind = match?.[1].toLowerCase() as FeatureKind | undefined;
  if (!match || !kind || !KINDS.includes(kind)) {
    const hint = match ? suggestion(match[1], [...KINDS], 'features') : '';
    throw new UserError(`Feature "${text}" is not one rrr computes: use ${ACCEPTED} (like ret:5 or rsi:14@1).${hint}`, { code: 'RRR_BAD_FEATURE' });
  }
  const window = match[2] === undefined ? (kind === 'range' ? 1 : NaN) : Number(match[2]);
  const lag = match[3] === undefined ? 0 : Number(match[3]);
  if (!Number.isSafeInteger(window) || window < 1 || (kind === 'range' && match[2] !== undefined) || ((kind === 'vol' || kind === 'zscore' || kind === 'volz') && window < 2)) {
    throw new UserError(`Feature "${text}" needs ${kind === 'range' ? 'no window (write range)' : `a whole window of ${kind === 'vol' || kind === 'zscore' || kind === 'volz' ? 2 : 1} or more bars (like ${kind}:20)`}.`, { code: 'RRR_BAD_FEATURE' });
  }
  const name = `${kind}${kind === 'range' ? '' : `:${window}`}${lag ? `@${lag}` : ''}`;
  return { name, kind, window, lag };
}

/** The pipeline of these features, in this order (the order of the model's input columns). */
export function featurePipeline(features: readonly string[]): FeaturePipeline {
  if (features.length === 0) throw new UserError('A feature pipeline needs at least one feature, like ret:1.', { code: 'RRR_BAD_FEATURE' });
  const defs = features.map(parseFeature);
  const seen = new Set<string>();
  for (const d of defs) {
    if (seen.has(d.name)) throw new UserError(`Feature ${d.name} is listed twice: list each feature once.`, { code: 'RRR_BAD_FEATURE' });
    seen.add(d.name);
  }
  const lookback = Math.max(...defs.map((d) => warmupOf(d) + d.lag));
  return { names: defs.map((d) => d.name), defs, lookback };
}

function warmupOf(d: FeatureDef): number {
  if (d.kind === 'ret') return d.window;
  if (d.kind === 'vol') return d.window; // N returns need N + 1 closes
  if (d.kind === 'range') return 0;
  return d.window - 1 + (d.kind === 'rsi' || d.kind === 'atr' ? 1 : 0);
}

function rawFeature(bars: Bars, d: FeatureDef): Float64Array {
  const { close, high, low, volume } = bars;
  const n = bars.length;
  const out = new Float64Array(n).fill(NaN);
  switch (d.kind) {
    case 'ret':
      for (let t = d.window; t < n; t++) out[t] = Math.log(close[t] / close[t - d.window]);
      return out;
    case 'vol': {
      const r = new Float64Array(n).fill(NaN);
      for (let t = 1; t < n; t++) r[t] = Math.log(close[t] / close[t - 1]);
      // rollingStd would carry the NaN at bar 0 through; start it at bar 1.
      if (n > 1) out.set(rollingStd(r.subarray(1), d.window), 1);
      return out;
    }
    case 'zscore':
      return zScore(close, d.window).slice();
    case 'volz':
      return zScore(volume, d.window).slice();
    case 'rsi': {
      const v = rsi(close, d.window);
      for (let t = 0; t < n; t++) out[t] = v[t] / 100;
      return out;
    }
    case 'sma':
    case 'ema': {
      const m = d.kind === 'sma' ? sma(close, d.window) : ema(close, d.window);
      for (let t = 0; t < n; t++) out[t] = close[t] / m[t] - 1;
      return out;
    }
    case 'atr': {
      const a = atr(high, low, close, d.window);
      for (let t = 0; t < n; t++) out[t] = a[t] / close[t];
      return out;
    }
    case 'range':
      for (let t = 0; t < n; t++) out[t] = (high[t] - low[t]) / close[t];
      return out;
  }
}

/** Every feature over every bar, one column per feature (NaN where a feature is not yet defined). */
export function computeFeatures(pipeline: FeaturePipeline, bars: Bars): Float64Array[] {
  return pipeline.defs.map((d) => {
    const raw = rawFeature(bars, d);
    if (d.lag === 0) return raw;
    const lagged = new Float64Array(raw.length).fill(NaN);
    // Fewer bars than the lag (a live runner's first bars): every value is undefined yet.
    if (raw.length > d.lag) lagged.set(raw.subarray(0, raw.length - d.lag), d.lag);
    return lagged;
  });
}

/** The features of the last bar given (live: the runner's history window), by the same code as a backtest. */
export function latestFeatures(pipeline: FeaturePipeline, bars: Bars): Float64Array {
  const columns = computeFeatures(pipeline, bars);
  return Float64Array.from(columns, (c) => c[c.length - 1] ?? NaN);
}

/** Row-major [rows x features] float32 matrix (the model input) from feature columns. */
export function toMatrix(columns: readonly Float64Array[], rows = columns[0]?.length ?? 0, from = 0): Float32Array {
  const f = columns.length;
  const out = new Float32Array(rows * f);
  for (let j = 0; j < f; j++) {
    const c = columns[j];
    for (let i = 0; i < rows; i++) out[i * f + j] = c[from + i];
  }
  return out;
}

/** Mean and standard deviation per feature, frozen from the training rows only. */
export interface Normalization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Statistics of rows [from, to) of each column (rows with NaN in a column skipped for that column). */
export function fitNormalization(columns: readonly Float64Array[], from = 0, to = columns[0]?.length ?? 0): Normalization {
  const mean: number[] = [];
  const std: number[] = [];
  for (const c of columns) {
    let count = 0;
    let m = 0;
    let s = 0;
    for (let i = from; i < to; i++) {
      const x = c[i];
      if (Number.isNaN(x)) continue;
      count++;
      const d = x - m;
      m += d / count;
      s += d * (x - m);
    }
    mean.push(count ? m : 0);
    const sd = count > 1 ? Math.sqrt(s / count) : 0;
    std.push(sd > 0 ? sd : 1);
  }
  return { mean, std };
}

/** (x - mean) / std per column: the same statistics on every row, whichever window they came from. */
export function normalize(columns: readonly Float64Array[], norm: Normalization): Float64Array[] {
  return columns.map((c, j) => {
    const out = new Float64Array(c.length);
    for (let i = 0; i < c.length; i++) out[i] = (c[i] - norm.mean[j]) / norm.std[j];
    return out;
  });
}
