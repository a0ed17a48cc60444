/**
 * TPE (Tree-structured Parzen Estimator) written to Optuna's TPESampler semantics
 * (optuna/samplers/_tpe/sampler.py, read at commit 1d8ce7b, 2026-08), univariate as Optuna's default:
 * - the first `nStartupTrials` (10) proposals are uniform random, counted over complete + pruned trials;
 * - then the n complete + pruned trials are split: the gamma(n) = min(ceil(0.1 n), 25) best complete trials
 *   are "below" (good), filled up with pruned ones only if too few completed; the rest are "above" (bad);
 * - constant liar (Optuna's default since v4): trials asked but not yet told go to "above", so parallel
 *   asks spread out instead of piling onto the same point;
 * - per parameter, l(x) is a Parzen estimator of the good values and g(x) of the bad ones (parzen.ts);
 *   `nEiCandidates` (24) draws from l(x), and the one maximizing log l(x) - log g(x) is proposed.
 * Failed trials (NaN) are ignored, as Optuna ignores FAIL.
 */
import { mulberry32 } from '../../data/synthetic.js';
import { CategoricalParzen, NumericParzen, type ParzenParameters } from './parzen.js';
import { sampleUniform } from './random.js';
import { dimensionSize, steppedValue, type Dimension, type ParamValue, type SearchSpace } from './space.js';
import type { Proposer, StudyView, TrialRecord } from './study.js';

export interface TpeOptions extends Partial<ParzenParameters> {
  /** Random proposals before the model is used (Optuna: 10). */
  nStartupTrials?: number;
  /** Candidates drawn from l(x) per parameter (Optuna: 24). */
  nEiCandidates?: number;
  /** Size of the good group for n finished trials (Optuna: min(ceil(0.1 n), 25)). */
  gamma?: (n: number) => number;
  /** Count running trials as bad (Optuna: true). */
  constantLiar?: boolean;
}

/** Optuna's default_gamma. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/**
 * Splits trials as Optuna's _split_trials does for one objective: the best `nBelow` complete trials (stable
 * on ties), then pruned ones if complete trials run short, are "below"; the rest and every running trial are
 * "above". Both come back in trial-number (chronological) order, which the kernel weights depend on.
 */
export function splitTrials(trials: readonly TrialRecord[], nBelow: number, direction: 'minimize' | 'maximize', constantLiar: boolean): { below: TrialRecord[]; above: TrialRecord[] } {
  const complete: TrialRecord[] = [];
  const pruned: TrialRecord[] = [];
  const running: TrialRecord[] = [];
  for (const t of trials) {
    if (t.state === 'complete') complete.push(t);
    else if (t.state === 'pruned') pruned.push(t);
    else if (t.state === 'running' && constantLiar) running.push(t);
  }
  const sign = direction === 'minimize' ? 1 : -1;
  // Array.prototype.sort is stable, like Python's sorted: ties keep trial order.
  complete.sort((a, b) => sign * (a.value! - b.value!) || 0);
  const nComplete = Math.min(nBelow, complete.length);
  const nPruned = Math.min(Math.max(0, nBelow - nComplete), pruned.length);
  const below = [...complete.slice(0, nComplete), ...pruned.slice(0, nPruned)];
  const above = [...complete.slice(nComplete), ...pruned.slice(nPruned), ...running];
  const byNumber = (a: TrialRecord, b: TrialRecord) => a.number - b.number;
  return { below: below.sort(byNumber), above: above.sort(byNumber) };
}

export class TpeProposer implements Proposer {
  readonly size = undefined;
  private readonly space: SearchSpace;
  private readonly startup: () => number;
  private readonly rand: () => number;
  private readonly nStartupTrials: number;
  private readonly nEiCandidates: number;
  private readonly gamma: (n: number) => number;
  private readonly constantLiar: boolean;
  private readonly parzen: ParzenParameters;

  constructor(space: SearchSpace, seed: number, options: TpeOptions = {}) {
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, not ${seed}`);
    this.space = space;
    // Two streams, as Optuna keeps a RandomSampler beside the TPE RNG: startup draws never shift TPE's.
    this.startup = mulberry32(seed);
    this.rand = mulberry32((seed ^ 0x5bd1e995) >>> 0);
    this.nStartupTrials = options.nStartupTrials ?? 10;
    this.nEiCandidates = options.nEiCandidates ?? 24;
    this.gamma = options.gamma ?? defaultGamma;
    this.constantLiar = options.constantLiar ?? true;
    this.parzen = {
      priorWeight: options.priorWeight ?? 1,
      considerMagicClip: options.considerMagicClip ?? true,
      considerEndpoints: options.considerEndpoints ?? false,
    };
    if (!(Number.isInteger(this.nStartupTrials) && this.nStartupTrials >= 0)) throw new RangeError('nStartupTrials must be a whole number >= 0');
    if (!(Number.isInteger(this.nEiCandidates) && this.nEiCandidates >= 1)) throw new RangeError('nEiCandidates must be a whole number >= 1');
    if (!(this.parzen.priorWeight > 0)) throw new RangeError('priorWeight must be positive');
  }

  propose(study: StudyView): Record<string, ParamValue> {
    let finished = 0;
    for (const t of study.trials) if (t.state === 'complete' || t.state === 'pruned') finished++;
    const out: Record<string, ParamValue> = {};
    if (finished < this.nStartupTrials) {
      for (const d of this.space.dimensions) out[d.name] = sampleUniform(d, this.startup);
      return out;
    }
    const { below, above } = splitTrials(study.trials, this.gamma(finished), study.direction, this.constantLiar);
    for (const d of this.space.dimensions) out[d.name] = this.sampleDimension(d, below, above);
    return out;
  }

  private sampleDimension(d: Dimension, below: readonly TrialRecord[], above: readonly TrialRecord[]): ParamValue {
    if (d.kind === 'values') {
      if (d.values.length === 1) return d.values[0];
      const index = (ts: readonly TrialRecord[]) => ts.map((t) => d.values.indexOf(t.params[d.name])).filter((i) => i >= 0);
      const l = new CategoricalParzen(index(below), d.values.length, this.parzen);
      const g = new CategoricalParzen(index(above), d.values.length, this.parzen);
      return d.values[this.best((r) => l.sample(r), (x) => l.logPdf(x) - g.logPdf(x))];
    }
    const n = dimensionSize(d);
    const step = n === undefined ? 0 : d.step!;
    // Align the top to the step grid (Optuna does the same for IntDistribution/FloatDistribution with step).
    const high = n === undefined ? d.high : steppedValue(d, n - 1);
    if (high === d.low) return d.low;
    const numeric = (ts: readonly TrialRecord[]) => ts.map((t) => t.params[d.name]).filter((v): v is number => typeof v === 'number');
    const l = new NumericParzen(numeric(below), d.low, high, step, this.parzen);
    const g = new NumericParzen(numeric(above), d.low, high, step, this.parzen);
    const x = this.best((r) => l.sample(r), (v) => l.logPdf(v) - g.logPdf(v));
    // Report the grid value as written (5.5, not 5.499999999999999).
    return n === undefined ? x : steppedValue(d, Math.round((x - d.low) / step));
  }

  /** Draws nEiCandidates from l and keeps the first with the highest acquisition (np.argmax). */
  private best(draw: (rand: () => number) => number, score: (x: number) => number): number {
    let bestX = NaN;
    let bestScore = -Infinity;
    for (let i = 0; i < this.nEiCandidates; i++) {
      const x = draw(this.rand);
      const s = score(x);
      if (Number.isNaN(bestX) || s > bestScore) {
        bestX = x;
        bestScore = s;
      }
    }
    return bestX;
  }
}
