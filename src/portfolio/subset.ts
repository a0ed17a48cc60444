/**
 * Subset selection: choose k of n assets so that the portfolio built on them scores best, by simulated
 * annealing (Kirkpatrick, Gelatt & Vecchi 1983). The system rrr comes from called this "quantum-inspired";
 * it is classical annealing over k-subsets:
 * - a state is a k-subset; a move swaps one chosen asset for one not chosen, both drawn uniformly;
 * - a better move is always taken, a worse one with probability exp(delta / T);
 * - T starts where an average worsening move is taken 4 times in 5 (measured on 64 random moves from the
 *   start) and cools geometrically to 1/1000 of that over the iterations; the best subset seen is returned.
 * Seeded (mulberry32, src/stats), so one seed gives one answer. Scores are cached per subset, so revisits
 * cost nothing and `evaluated` counts distinct subsets scored.
 *
 * The default score is the Sharpe ratio (per period, excess of the risk-free rate) of the subset's
 * max-Sharpe portfolio, or of its min-variance portfolio, from src/portfolio's optimizers; a subset the
 * optimizer cannot solve scores -Infinity.
 */
import { Mulberry32 } from '../stats/mulberry32.js';
import { UserError } from '../errors.js';
import { optimizePortfolio } from './index.js';
import type { WeightConstraints } from './types.js';

export type SubsetObjective = 'max-sharpe' | 'min-variance';

export interface SubsetInput {
  /** Expected return per period of each of the n assets. */
  mean: Float64Array;
  /** n x n covariance, row-major. */
  cov: Float64Array;
  k: number;
  seed: number;
  /** Default max-sharpe. */
  objective?: SubsetObjective;
  /** Annealing steps (default 2000). */
  iterations?: number;
  riskFreeRate?: number;
  constraints?: Omit<WeightConstraints, 'previous' | 'maxTurnover'>;
}

export interface SubsetResult {
  /** The chosen assets' indices, ascending. */
  indices: number[];
  /** Their score (the Sharpe ratio per period of their optimal portfolio). */
  score: number;
  /** Distinct subsets scored. */
  evaluated: number;
}

/** Scores a subset given as ascending indices. */
export type SubsetScore = (indices: readonly number[]) => number;

function checkK(n: number, k: number): void {
  if (!(Number.isInteger(k) && k >= 2 && k < n)) {
    throw new UserError(`--select ${k} is not valid for ${n} assets: choose a whole number of assets from 2 to ${n - 1}.`, { code: 'RRR_BAD_SELECT' });
  }
}

/** The Sharpe ratio of the optimal portfolio (objective) of the assets `indices`. */
export function subsetSharpe(input: Omit<SubsetInput, 'k' | 'seed'>): SubsetScore {
  const n = input.mean.length;
  const method = input.objective ?? 'max-sharpe';
  const rf = input.riskFreeRate ?? 0;
  return (indices) => {
    const k = indices.length;
    const mean = Float64Array.from(indices, (i) => input.mean[i]);
    const cov = new Float64Array(k * k);
    for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) cov[r * k + c] = input.cov[indices[r] * n + indices[c]];
    try {
      const result = optimizePortfolio(method, { assets: indices.map(String), mean, cov, riskFreeRate: rf, constraints: input.constraints });
      const sharpe = (result.expectedReturn - rf) / result.volatility;
      return Number.isFinite(sharpe) ? sharpe : -Infinity;
    } catch (error) {
      if (error instanceof UserError || error instanceof RangeError) return -Infinity;
      throw error;
    }
  };
}

const keyOf = (indices: readonly number[]) => indices.join(',');

function cached(score: SubsetScore): { score: SubsetScore; size: () => number } {
  const seen = new Map<string, number>();
  return {
    score: (indices) => {
      const key = keyOf(indices);
      let s = seen.get(key);
      if (s === undefined) seen.set(key, (s = score(indices)));
      return s;
    },
    size: () => seen.size,
  };
}

/** Simulated annealing over k-subsets of n assets for any score (higher is better). */
export function annealSubset(n: number, k: number, score: SubsetScore, options: { seed: number; iterations?: number }): SubsetResult {
  checkK(n, k);
  const iterations = options.iterations ?? 2000;
  if (!(Number.isInteger(iterations) && iterations >= 1)) throw new RangeError(`iterations must be a whole number, 1 or more (got ${iterations})`);
  const rng = new Mulberry32(options.seed);
  const draw = (below: number) => Math.floor(rng.next() * below);
  const memo = cached(score);
  // A random start: a partial Fisher-Yates shuffle; `order` holds the chosen first, the rest after.
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + draw(n - i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const sorted = () => order.slice(0, k).sort((a, b) => a - b);
  const swapped = (i: number, j: number) => {
    [order[i], order[j]] = [order[j], order[i]];
    const s = sorted();
    [order[i], order[j]] = [order[j], order[i]];
    return s;
  };
  let current = memo.score(sorted());
  let best = { indices: sorted(), score: current };

  // Starting temperature from the typical size of a worsening move around the start.
  let worse = 0;
  let count = 0;
  for (let probe = 0; probe < 64; probe++) {
    const delta = memo.score(swapped(draw(k), k + draw(n - k))) - current;
    if (Number.isFinite(delta) && delta < 0) {
      worse -= delta;
      count++;
    }
  }
  const t0 = count > 0 ? worse / count / -Math.log(0.8) : 1e-3;
  const cooling = Math.pow(1e-3, 1 / Math.max(1, iterations - 1));
  let temperature = t0;
  for (let step = 0; step < iterations; step++, temperature *= cooling) {
    const i = draw(k);
    const j = k + draw(n - k);
    const candidate = swapped(i, j);
    const s = memo.score(candidate);
    const delta = s - current;
    if (delta >= 0 || (Number.isFinite(s) && rng.next() < Math.exp(delta / temperature)) || !Number.isFinite(current)) {
      [order[i], order[j]] = [order[j], order[i]];
      current = s;
      if (s > best.score) best = { indices: candidate, score: s };
    }
  }
  return { ...best, evaluated: memo.size() };
}

/** Every k-subset scored: the reference annealing is tested against, feasible for small n. */
export function exhaustiveSubset(n: number, k: number, score: SubsetScore): SubsetResult {
  checkK(n, k);
  const pick = Array.from({ length: k }, (_, i) => i);
  let best: { indices: number[]; score: number } = { indices: pick.slice(), score: -Infinity };
  let evaluated = 0;
  for (;;) {
    const s = score(pick);
    evaluated++;
    if (s > best.score) best = { indices: pick.slice(), score: s };
    let i = k - 1;
    while (i >= 0 && pick[i] === n - k + i) i--;
    if (i < 0) break;
    pick[i]++;
    for (let j = i + 1; j < k; j++) pick[j] = pick[j - 1] + 1;
  }
  return { ...best, evaluated };
}

/** Choose k of the n assets by annealing on the Sharpe ratio of their optimal portfolio. */
export function selectSubset(input: SubsetInput): SubsetResult {
  const result = annealSubset(input.mean.length, input.k, subsetSharpe(input), { seed: input.seed, iterations: input.iterations });
  if (result.score === -Infinity) {
    throw new UserError(`No subset of ${input.k} assets the annealing tried has a ${input.objective ?? 'max-sharpe'} portfolio the optimizer can solve: loosen the weight bounds or choose another --select.`, { exitCode: 1, code: 'RRR_NO_SUBSET' });
  }
  return result;
}
