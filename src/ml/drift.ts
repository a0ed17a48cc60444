/**
 * Drift between the feature distribution a model was trained on and the recent one: the population
 * stability index (PSI, over the training deciles) and the two-sample Kolmogorov-Smirnov statistic with its
 * asymptotic p-value, per feature. A model carries its training profile (101 quantiles per feature) in its
 * metadata (rrr.profile), so the live runner needs only the model file and its recent feature rows.
 * Conventional reading of PSI: < 0.1 stable, 0.1-0.25 some shift, > 0.25 a shift worth acting on.
 */
import { UserError } from '../errors.js';

/** 0%, 1%, ..., 100% quantiles of each column's finite values over rows [from, to). */
export interface FeatureProfile {
  readonly names: readonly string[];
  readonly quantiles: readonly (readonly number[])[];
}

const POINTS = 101;

function finite(values: ArrayLike<number>, from = 0, to = values.length): Float64Array {
  // Into a typed array, sorted in place: a million-row training profile is built per feature.
  const out = new Float64Array(Math.max(0, to - from));
  let k = 0;
  for (let i = from; i < to; i++) if (Number.isFinite(values[i])) out[k++] = values[i];
  return out.subarray(0, k).sort();
}

export function featureProfile(names: readonly string[], columns: readonly Float64Array[], from = 0, to = columns[0]?.length ?? 0): FeatureProfile {
  return {
    names,
    quantiles: columns.map((c) => {
      const v = finite(c, from, to);
      return Array.from({ length: POINTS }, (_, k) => (v.length ? v[Math.min(v.length - 1, Math.round((k / (POINTS - 1)) * (v.length - 1)))] : NaN));
    }),
  };
}

/** PSI of two distributions given as fractions over the same bins (empty bins floored at 1e-4). */
export function populationStabilityIndex(expected: readonly number[], actual: readonly number[]): number {
  let psi = 0;
  for (let k = 0; k < expected.length; k++) {
    const e = Math.max(expected[k], 1e-4);
    const a = Math.max(actual[k], 1e-4);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/** Asymptotic Kolmogorov distribution: P(K > lambda). */
function kolmogorovTail(lambda: number): number {
  if (lambda < 1e-3) return 1;
  let sum = 0;
  for (let j = 1; j <= 100; j++) {
    const term = 2 * (j % 2 ? 1 : -1) * Math.exp(-2 * j * j * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12) break;
  }
  return Math.min(1, Math.max(0, sum));
}

/**
 * Two-sample KS: the largest gap between the empirical CDFs, and its asymptotic p-value. `sizes` replaces the
 * samples' counts in the p-value by effective sizes (for autocorrelated samples, see effectiveSize).
 */
export function kolmogorovSmirnov(a: ArrayLike<number>, b: ArrayLike<number>, sizes: { n?: number; m?: number } = {}): { statistic: number; pValue: number } {
  const x = finite(a);
  const y = finite(b);
  const n = x.length;
  const m = y.length;
  if (!n || !m) return { statistic: NaN, pValue: NaN };
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const v = Math.min(x[i], y[j]);
    while (i < n && x[i] <= v) i++;
    while (j < m && y[j] <= v) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  const ne = ((sizes.n ?? n) * (sizes.m ?? m)) / ((sizes.n ?? n) + (sizes.m ?? m));
  // Stephens' small-sample correction of the asymptotic statistic.
  const lambda = (Math.sqrt(ne) + 0.12 + 0.11 / Math.sqrt(ne)) * d;
  return { statistic: d, pValue: kolmogorovTail(lambda) };
}

/**
 * The number of independent values a time-ordered sample is worth, under an AR(1) model: m (1 - r) / (1 + r)
 * with r its lag-1 autocorrelation (floored at 0, and at 1 value). Rolling features (a 20-bar volatility, an
 * RSI) move slowly, so 250 consecutive values carry the information of a handful: a KS p-value that counted
 * each as independent would report drift on a stable series.
 */
export function effectiveSize(values: ArrayLike<number>): number {
  let count = 0;
  let mean = 0;
  for (let t = 0; t < values.length; t++) {
    if (!Number.isFinite(values[t])) continue;
    count++;
    mean += (values[t] - mean) / count;
  }
  let lag = 0;
  let variance = 0;
  let prev = NaN;
  for (let t = 0; t < values.length; t++) {
    const x = values[t];
    if (!Number.isFinite(x)) continue;
    variance += (x - mean) * (x - mean);
    if (Number.isFinite(prev)) lag += (x - mean) * (prev - mean);
    prev = x;
  }
  const r = variance > 0 ? Math.max(0, lag / variance) : 0;
  return Math.max(1, (count * (1 - r)) / (1 + r));
}

export interface DriftThresholds {
  /** A feature drifts when its PSI exceeds this (default 0.25) and its KS p-value is below ksPValue. */
  psi?: number;
  /** A feature drifts when its KS p-value is below this (default 0.01) and its PSI exceeds psi. */
  ksPValue?: number;
}

export interface FeatureDrift {
  feature: string;
  psi: number;
  ks: number;
  pValue: number;
  drifted: boolean;
}

export interface DriftReport {
  features: FeatureDrift[];
  drifted: string[];
  rows: number;
}

/**
 * Compares recent feature rows with a model's training profile. The training sample is represented by its
 * 101 quantiles (so the KS statistic is exact to about 1%), and PSI uses its deciles as bins.
 */
export function featureDrift(profile: FeatureProfile, recent: readonly Float64Array[], thresholds: DriftThresholds = {}): DriftReport {
  if (recent.length !== profile.names.length) throw new UserError(`Drift needs ${profile.names.length} feature columns (${profile.names.join(', ')}) but got ${recent.length}.`, { exitCode: 1, code: 'RRR_DRIFT_SHAPE' });
  const psiLimit = thresholds.psi ?? 0.25;
  const pLimit = thresholds.ksPValue ?? 0.01;
  const features = profile.names.map((feature, j) => {
    const q = profile.quantiles[j];
    const values = finite(recent[j]);
    const edges = Array.from({ length: 9 }, (_, k) => q[(k + 1) * 10]);
    const counts = new Array<number>(10).fill(0);
    for (const v of values) {
      let b = 0;
      while (b < 9 && v > edges[b]) b++;
      counts[b]++;
    }
    const actual = counts.map((c) => c / Math.max(1, values.length));
    const psi = populationStabilityIndex(new Array<number>(10).fill(0.1), actual);
    // Recent rows in time order: their autocorrelation sets how many independent values they are worth.
    const { statistic, pValue } = kolmogorovSmirnov(q, values, { m: effectiveSize(recent[j]) });
    // Both: a shift large enough to matter (PSI) and unlikely to be noise (KS). PSI alone has no sampling
    // error attached, and over a window of a slowly moving feature it often passes 1 on a stable series.
    const drifted = psi > psiLimit && pValue < pLimit;
    return { feature, psi, ks: statistic, pValue, drifted };
  });
  return { features, drifted: features.filter((f) => f.drifted).map((f) => f.feature), rows: recent[0]?.length ?? 0 };
}

/** Refuses, in one sentence, a model older than `maxAgeMs` (by its rrr.createdAt metadata) at `now`. */
export function checkModelAge(path: string, metadata: Readonly<Record<string, string>>, maxAgeMs: number, now = Date.now()): void {
  const created = Date.parse(metadata['rrr.createdAt'] ?? '');
  if (!Number.isFinite(created)) {
    throw new UserError(`Model ${path} has no creation time (rrr.createdAt metadata), so --max-model-age cannot be checked: retrain it with rrr ml train or drop --max-model-age.`, { exitCode: 1, code: 'RRR_MODEL_AGE' });
  }
  const age = now - created;
  if (age > maxAgeMs) {
    const days = (ms: number) => `${(ms / 86_400_000).toFixed(1)} days`;
    throw new UserError(`Model ${path} was created ${days(age)} ago (${metadata['rrr.createdAt']}), past --max-model-age of ${days(maxAgeMs)}: retrain it or raise --max-model-age.`, { exitCode: 1, code: 'RRR_MODEL_AGE' });
  }
}
