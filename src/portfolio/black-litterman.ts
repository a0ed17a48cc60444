/**
 * Black-Litterman (Black & Litterman 1992; formulas as in He & Litterman 1999, "The Intuition Behind
 * Black-Litterman Model Portfolios"):
 * - prior: implied equilibrium returns Pi = delta S w_mkt;
 * - views P mu = Q + e, e ~ N(0, Omega), Omega diagonal: omega_k = tau p_k S p_k' (He-Litterman), or with an
 *   Idzorek confidence c in (0, 1], omega_k = tau (1 - c) / c p_k S p_k' (the closed form PyPortfolioOpt uses
 *   for Idzorek's method; c = 1 is a view held with certainty);
 * - posterior mean mu = Pi + tau S P' A^-1 (Q - P Pi) and covariance S_p = S + M,
 *   M = tau S - tau S P' A^-1 P tau S, with A = tau P S P' + Omega (this form needs no Omega^-1, so certain
 *   views work);
 * - He-Litterman's unconstrained weights w* = (delta S_p)^-1 mu.
 */
import { UserError, suggestion } from '../errors.js';
import { matVec, solve } from './linalg.js';
import type { View } from './types.js';

export interface BlackLittermanPosterior {
  implied: Float64Array;
  posteriorMean: Float64Array;
  posteriorCov: Float64Array;
  /** (delta S_p)^-1 mu, not normalised (He & Litterman's w*). */
  unconstrainedWeights: Float64Array;
}

export function blackLittermanPosterior(
  assets: string[],
  cov: Float64Array,
  options: { views?: View[]; marketWeights?: Float64Array; riskAversion?: number; tau?: number },
): BlackLittermanPosterior {
  const n = assets.length;
  const delta = options.riskAversion ?? 2.5;
  const tau = options.tau ?? 0.05;
  if (!(delta > 0)) throw new UserError(`The risk aversion ${delta} is not positive; give a positive number (He & Litterman use 2.5).`);
  if (!(tau > 0)) throw new UserError(`tau ${tau} is not positive; give a positive number (He & Litterman use 0.05).`);
  const market = marketWeightsOf(options.marketWeights, n);
  const implied = matVec(cov, market).map((v) => delta * v);
  const views = options.views ?? [];
  const k = views.length;
  const posteriorMean = Float64Array.from(implied);
  const posteriorCov = Float64Array.from(cov, (v) => v * (1 + tau));
  if (k > 0) {
    const P = views.map((v) => pickRow(v, assets));
    const tauSPt = P.map((p) => matVec(cov, p).map((v) => tau * v)); // k columns of tau S P'
    const A = new Float64Array(k * k);
    for (let a = 0; a < k; a++)
      for (let b = 0; b < k; b++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += P[a][i] * tauSPt[b][i];
        A[a * k + b] = s;
      }
    views.forEach((v, a) => {
      const c = v.confidence;
      if (c !== undefined && !(c > 0 && c <= 1)) throw new UserError(`The confidence ${c} of view ${a + 1} is outside (0, 1]; give a number above 0 and at most 1.`);
      A[a * k + a] += c === undefined ? A[a * k + a] : (A[a * k + a] * (1 - c)) / c;
    });
    const residual = Float64Array.from(views, (v, a) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += P[a][i] * implied[i];
      return v.return - s;
    });
    const x = solve(A, residual, k);
    if (!x) throw new UserError('The views are linearly dependent (one is a combination of others) and held with certainty; drop a view or lower a confidence.');
    for (let a = 0; a < k; a++) for (let i = 0; i < n; i++) posteriorMean[i] += tauSPt[a][i] * x[a];
    // M = tau S - (tau S P') A^-1 (P tau S).
    const columns = Array.from({ length: n }, (_, j) => solve(A, Float64Array.from(tauSPt, (col) => col[j]), k)!);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let a = 0; a < k; a++) s += tauSPt[a][i] * columns[j][a];
        posteriorCov[i * n + j] -= s;
      }
  }
  const raw = solve(posteriorCov.map((v) => v * delta), posteriorMean, n);
  if (!raw) throw new UserError('The posterior covariance is singular; use --covariance ledoit-wolf or a longer lookback.');
  return { implied, posteriorMean, posteriorCov, unconstrainedWeights: raw };
}

function marketWeightsOf(given: Float64Array | undefined, n: number): Float64Array {
  if (!given) return new Float64Array(n).fill(1 / n);
  if (given.length !== n) throw new UserError(`${given.length} market weights were given for ${n} assets; give one per asset.`);
  let total = 0;
  for (const v of given) {
    if (!(v >= 0)) throw new UserError(`A market weight is ${v}; give market capitalisations or weights of 0 or more.`);
    total += v;
  }
  if (!(total > 0)) throw new UserError('The market weights sum to 0; give at least one positive market weight.');
  return given.map((v) => v / total);
}

function pickRow(view: View, assets: string[]): Float64Array {
  const row = new Float64Array(assets.length);
  for (const [asset, weight] of Object.entries(view.assets)) {
    const i = assets.indexOf(asset);
    if (i < 0) throw new UserError(`A view names "${asset}", which is not in the portfolio.${suggestion(asset, assets, 'assets')}`);
    row[i] += weight;
  }
  return row;
}

/**
 * views.json: a list (or {"views": [...]}) of views, each one of
 *   {"asset": "A", "return": 0.0004}                          absolute: A returns 0.04% per period;
 *   {"long": "A", "short": "B", "return": 0.0002}             relative: A beats B by 0.02% per period;
 *   {"weights": {"A": 1, "B": -0.5, "C": -0.5}, "return": 0}  any view portfolio;
 * each with an optional "confidence" in (0, 1] (Idzorek). Returns are per period of the bars.
 */
export function parseViews(json: string | unknown, assets: string[]): View[] {
  let data: unknown = json;
  if (typeof json === 'string') {
    try {
      data = JSON.parse(json);
    } catch (error) {
      throw new UserError(`The views file is not valid JSON (${(error as Error).message}); give a list of views such as [{"asset": "A", "return": 0.0004}].`);
    }
  }
  if (data && typeof data === 'object' && !Array.isArray(data) && 'views' in data) data = (data as { views: unknown }).views;
  if (!Array.isArray(data)) throw new UserError('The views file must hold a list of views (or {"views": [...]}); see docs/portfolio.md for the format.');
  return data.map((entry: unknown, index): View => {
    const where = `View ${index + 1}`;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) throw new UserError(`${where} is not an object; give {"asset": ..., "return": ...}, {"long": ..., "short": ..., "return": ...} or {"weights": {...}, "return": ...}.`);
    const e = entry as Record<string, unknown>;
    const known = ['asset', 'long', 'short', 'weights', 'return', 'confidence'];
    for (const key of Object.keys(e)) if (!known.includes(key)) throw new UserError(`${where} has an unknown field "${key}"; the fields are ${known.join(', ')}.`);
    const value = e.return;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new UserError(`${where} has no numeric "return"; give the view's expected return per period, e.g. "return": 0.0004.`);
    const confidence = e.confidence;
    if (confidence !== undefined && (typeof confidence !== 'number' || !(confidence > 0 && confidence <= 1))) throw new UserError(`${where} has confidence ${JSON.stringify(confidence)}; give a number above 0 and at most 1, or leave it out.`);
    const forms = [e.asset !== undefined, e.long !== undefined || e.short !== undefined, e.weights !== undefined].filter(Boolean).length;
    if (forms !== 1) throw new UserError(`${where} must have exactly one of "asset", "long"/"short" or "weights".`);
    const picks: Record<string, number> = {};
    const name = (v: unknown, field: string): string => {
      if (typeof v !== 'string' || v === '') throw new UserError(`${where} has no asset name in "${field}"; give a symbol of the portfolio.`);
      if (!assets.includes(v)) throw new UserError(`${where} names "${v}", which is not in the portfolio; known assets: ${assets.join(', ')}.`);
      return v;
    };
    if (e.asset !== undefined) picks[name(e.asset, 'asset')] = 1;
    else if (e.weights !== undefined) {
      if (!e.weights || typeof e.weights !== 'object' || Array.isArray(e.weights)) throw new UserError(`${where} has "weights" that are not an object of asset: weight; give e.g. {"A": 1, "B": -1}.`);
      for (const [asset, w] of Object.entries(e.weights as Record<string, unknown>)) {
        if (typeof w !== 'number' || !Number.isFinite(w)) throw new UserError(`${where} gives ${asset} the weight ${JSON.stringify(w)}; give a number.`);
        picks[name(asset, 'weights')] = w;
      }
      if (Object.values(picks).every((w) => w === 0)) throw new UserError(`${where} has only zero weights; give at least one non-zero weight.`);
    } else {
      const long = name(e.long, 'long');
      const short = name(e.short, 'short');
      if (long === short) throw new UserError(`${where} is long and short the same asset ${long}; give two different assets.`);
      picks[long] = 1;
      picks[short] = -1;
    }
    return confidence === undefined ? { assets: picks, return: value } : { assets: picks, return: value, confidence: confidence as number };
  });
}
