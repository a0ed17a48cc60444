/**
 * What rrr optimize reports beside the raw trials: the ranking, the winner as a ready backtest command line,
 * how the objective moves with each parameter (sensitivity, heatmap) and how far the winner can be trusted
 * given everything that was tried (PBO, deflated and probabilistic Sharpe ratio, minimum track record).
 */
import { CscvBlocks, probabilityOfBacktestOverfitting } from '../overfitting/pbo.js';
import { deflatedSharpeRatio, minTrackRecordLength, probabilisticSharpeRatio, sharpeVariance } from '../overfitting/sharpe-stats.js';
import type { Dimension, ParamValue, SearchSpace } from '../search/space.js';
import type { SweepThreads } from '../sweep/types.js';
import type { Direction, FinishedTrial } from './types.js';

/** Complete trials, best first (the lower number first on ties). */
export function rankTrials(trials: readonly FinishedTrial[], direction: Direction): FinishedTrial[] {
  const sign = direction === 'minimize' ? 1 : -1;
  return trials.filter((t) => t.state === 'complete').sort((a, b) => sign * (a.value! - b.value!) || a.number - b.number);
}

/** Counts of trials by state. */
export function stateCounts(trials: readonly FinishedTrial[]): Record<FinishedTrial['state'], number> {
  const counts = { complete: 0, pruned: 0, failed: 0, running: 0 };
  for (const t of trials) counts[t.state]++;
  return counts;
}

/** A word a POSIX shell reads back unchanged. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `rrr backtest` with the user's settings (flag/value pairs, as typed) and the winner's parameters. */
export function winnerCommand(settings: readonly (readonly [string, string | true])[], params: Readonly<Record<string, ParamValue>>): string {
  const words = ['rrr', 'backtest'];
  for (const [flag, value] of settings) {
    words.push(`--${flag}`);
    if (value !== true) words.push(value);
  }
  for (const [name, value] of Object.entries(params)) words.push('--param', `${name}=${String(value)}`);
  return words.map(shellQuote).join(' ');
}

/** One value (or range of values) of a parameter, and the best objective any trial there reached. */
export interface SensitivityPoint {
  /** The value, or for a binned continuous range its label "low..high". */
  value: ParamValue;
  best: number;
  trials: number;
}

export interface Sensitivity {
  param: string;
  points: SensitivityPoint[];
  /** Best minus worst of the points' best objectives: how much this parameter alone can move the result. */
  spread: number;
}

/** Beyond this many distinct values a numeric parameter is shown in equal-width bins. */
const MAX_LEVELS = 20;
const BINS = 10;

/** Maps a parameter value to its sensitivity level: itself, or the bin of a range with many values. */
function levelsOf(dimension: Dimension, values: readonly ParamValue[]): { key: (v: ParamValue) => number; labels: ParamValue[] } {
  const distinct = [...new Set(values)];
  const numeric = distinct.every((v) => typeof v === 'number');
  if (numeric && distinct.length > MAX_LEVELS && dimension.kind !== 'values') {
    const { low, high } = dimension;
    if (dimension.kind === 'int') {
      // Whole-number bins, labelled by the integers they hold.
      const size = Math.ceil((high - low + 1) / BINS);
      const count = Math.ceil((high - low + 1) / size);
      const labels = Array.from({ length: count }, (_, b): ParamValue => `${low + b * size}..${Math.min(high, low + (b + 1) * size - 1)}`);
      return { key: (v) => Math.min(count - 1, Math.floor(((v as number) - low) / size)), labels };
    }
    const width = (high - low) / BINS || 1;
    const labels: ParamValue[] = [];
    for (let b = 0; b < BINS; b++) labels.push(`${round(low + b * width)}..${round(b === BINS - 1 ? high : low + (b + 1) * width)}`);
    return { key: (v) => Math.min(BINS - 1, Math.max(0, Math.floor(((v as number) - low) / width))), labels };
  }
  const order = dimension.kind === 'values' ? dimension.values.filter((v) => distinct.includes(v)) : (distinct as number[]).sort((a, b) => a - b);
  const index = new Map<ParamValue, number>(order.map((v, i) => [v, i]));
  return { key: (v) => index.get(v)!, labels: order };
}

function round(x: number): number {
  return Number(x.toPrecision(4));
}

function pick(direction: Direction, a: number, b: number): number {
  return direction === 'minimize' ? Math.min(a, b) : Math.max(a, b);
}

/** For each searched parameter (more than one value tried): the best objective at each of its values. */
export function sensitivity(trials: readonly FinishedTrial[], space: SearchSpace, direction: Direction): Sensitivity[] {
  const complete = trials.filter((t) => t.state === 'complete');
  const out: Sensitivity[] = [];
  for (const d of space.dimensions) {
    const { key, labels } = levelsOf(d, complete.map((t) => t.params[d.name]));
    if (labels.length < 2) continue;
    const best = new Array<number | undefined>(labels.length).fill(undefined);
    const count = new Array<number>(labels.length).fill(0);
    for (const t of complete) {
      const k = key(t.params[d.name]);
      best[k] = best[k] === undefined ? t.value! : pick(direction, best[k]!, t.value!);
      count[k]++;
    }
    const points = labels.flatMap((value, k) => (best[k] === undefined ? [] : [{ value, best: best[k]!, trials: count[k] }]));
    const bests = points.map((p) => p.best);
    out.push({ param: d.name, points, spread: Math.max(...bests) - Math.min(...bests) });
  }
  return out;
}

/** The best objective over pairs of two parameters' values: rows follow `y`, columns `x`. */
export interface Heatmap {
  x: string;
  y: string;
  xValues: ParamValue[];
  yValues: ParamValue[];
  /** cells[row][column]: the best objective there, or null where no complete trial fell. */
  cells: (number | null)[][];
}

/**
 * The heatmap of the two most influential parameters (largest sensitivity spread; declaration order on
 * ties), or undefined with fewer than two searched parameters.
 */
export function heatmap(trials: readonly FinishedTrial[], space: SearchSpace, direction: Direction, sensitivities = sensitivity(trials, space, direction)): Heatmap | undefined {
  if (sensitivities.length < 2) return undefined;
  const order = sensitivities.map((s, i) => ({ s, i })).sort((a, b) => b.s.spread - a.s.spread || a.i - b.i);
  const [first, second] = [order[0].i, order[1].i].sort((a, b) => a - b).map((i) => sensitivities[i].param);
  const complete = trials.filter((t) => t.state === 'complete');
  const dim = (name: string) => space.dimensions.find((d) => d.name === name)!;
  const xs = levelsOf(dim(first), complete.map((t) => t.params[first]));
  const ys = levelsOf(dim(second), complete.map((t) => t.params[second]));
  const cells: (number | null)[][] = ys.labels.map(() => xs.labels.map(() => null));
  for (const t of complete) {
    const row = cells[ys.key(t.params[second])];
    const c = xs.key(t.params[first]);
    row[c] = row[c] === null ? t.value! : pick(direction, row[c]!, t.value!);
  }
  return { x: first, y: second, xValues: xs.labels, yValues: ys.labels, cells };
}

/** How far the winner can be trusted, given every trial that ran. */
export interface OverfittingSummary {
  /** N: trials that ran (complete, pruned by a constraint, or without an objective), the DSR's trial count. */
  trialsRun: number;
  /** Per-period returns each trial was measured on (T). */
  observations: number;
  /** V: sample variance of the trials' per-period Sharpe ratios. */
  sharpeVariance: number | null;
  /** The winner's per-period Sharpe ratio, PSR against 0, DSR and its benchmark SR0, MinTRL at 95%. */
  winner: { number: number; sharpe: number; psr: number | null; dsr: number | null; deflationBenchmark: number | null; minTrackRecordLength: number | null } | null;
  /** PBO by CSCV over the trials that ran (null with its reason when it cannot be computed). */
  pbo: { pbo: number; probabilityOfOosLoss: number; splits: number; combinations: number; configurations: number; rowsUsed: number; droppedRows: number } | null;
  /** Why a statistic is missing, when one is. */
  notes: string[];
}

/**
 * PSR, MinTRL and DSR of the winner (N = trials that ran, V = the variance of their per-period Sharpe
 * ratios) and PBO by CSCV from each trial's block statistics: memory is per trial, never whole series.
 */
export function overfitting(
  trials: readonly FinishedTrial[],
  winner: FinishedTrial | undefined,
  pboSplits: number,
  confidence = 0.95,
  noPboNote = 'PBO was not computed (--pbo-splits 0).',
): OverfittingSummary {
  const notes: string[] = [];
  const ran = trials.filter((t) => t.moments !== undefined && Number.isFinite(t.moments.sharpe));
  const skipped = trials.filter((t) => t.moments !== undefined && !Number.isFinite(t.moments.sharpe)).length;
  if (skipped > 0) notes.push(`${skipped} trial(s) with constant non-zero returns have no Sharpe ratio and are left out.`);
  const observations = ran[0]?.moments?.count ?? 0;
  const variance = ran.length >= 2 ? sharpeVariance(ran.map((t) => t.moments!.sharpe), 1) : null;
  let winnerStats: OverfittingSummary['winner'] = null;
  const m = winner?.moments;
  if (winner && m && Number.isFinite(m.sharpe)) {
    const sample = { sharpe: m.sharpe, skewness: m.skewness, kurtosis: m.kurtosis, observations: m.count };
    const deflated = variance === null ? null : deflatedSharpeRatio({ ...sample, trials: ran.length, sharpeVariance: variance });
    if (deflated === null) notes.push('The deflated Sharpe ratio needs 2 trials or more that ran.');
    const minTrl = minTrackRecordLength(sample, 0, confidence);
    winnerStats = {
      number: winner.number,
      sharpe: m.sharpe,
      psr: probabilisticSharpeRatio(sample, 0),
      dsr: deflated?.dsr ?? null,
      deflationBenchmark: deflated?.benchmark ?? null,
      minTrackRecordLength: Number.isFinite(minTrl) ? minTrl : null,
    };
  }
  let pbo: OverfittingSummary['pbo'] = null;
  const withBlocks = ran.filter((t) => t.blocks !== undefined && t.blocks.length === 2 * pboSplits);
  if (pboSplits === 0) notes.push(noPboNote);
  else if (withBlocks.length < 2) notes.push('PBO needs 2 trials or more that ran.');
  else if (observations < 2 * pboSplits) notes.push(`PBO with ${pboSplits} splits needs ${2 * pboSplits} returns or more; the trials have ${observations}: lower --pbo-splits.`);
  else {
    const blocks = new CscvBlocks(withBlocks.length, observations, pboSplits);
    withBlocks.forEach((t, j) => blocks.addBlockStats(j, t.blocks!));
    const r = probabilityOfBacktestOverfitting(blocks);
    pbo = { pbo: r.pbo, probabilityOfOosLoss: r.probabilityOfOosLoss, splits: r.splits, combinations: r.combinations, configurations: r.configurations, rowsUsed: r.rowsUsed, droppedRows: r.droppedRows };
  }
  return { trialsRun: ran.length, observations, sharpeVariance: variance, winner: winnerStats, pbo, notes };
}

/** Metrics the ranked table shows beside the objective and the constraints' metrics. */
export const SHOWN_METRICS = ['totalReturnPct', 'sharpe', 'maxDrawdownPct', 'tradeCount'] as const;

export interface RankedTrial {
  rank: number;
  number: number;
  value: number;
  params: Record<string, ParamValue>;
  metrics: FinishedTrial['metrics'];
}

/** What a search was over (its study, data and method) and what it optimized: the summary repeats it from its context. */
export interface SearchDescription {
  study?: string;
  strategy: string;
  symbols: string[];
  timeframe: string;
  from: string;
  to: string;
  dataFingerprint: string;
  method: string;
  seed?: number;
  objective: string;
  direction: Direction;
  constraints: string[];
}

/** Everything rrr optimize prints (and returns under --json). */
export interface OptimizeSummary extends SearchDescription {
  /** True when Ctrl-C stopped the search: everything below is over the trials that finished. */
  interrupted: boolean;
  /**
   * total: grid points, or trials to run (random, tpe); finished: trials with a result, those the strategy's
   * check rejected before running included (`rejected`, counted in `pruned` too).
   */
  trials: { total: number | undefined; finished: number; complete: number; pruned: number; failed: number; rejected: number };
  top: RankedTrial[];
  winner: (RankedTrial & { command: string }) | null;
  sensitivity: Sensitivity[];
  heatmap: Heatmap | null;
  overfitting: OverfittingSummary;
  /** The threads this run's trials ran on, and why that many; absent where no thread ran them (a queue, a merge). */
  threads?: SweepThreads;
}

export interface SummaryContext extends SearchDescription {
  space: SearchSpace;
  total: number | undefined;
  top: number;
  pboSplits: number;
  /** The user's backtest settings as flag/value pairs, for the winner's command line. */
  settings: readonly (readonly [string, string | true])[];
}

/** The report of a finished (or interrupted) search. */
export function summarizeSearch(trials: readonly FinishedTrial[], interrupted: boolean, context: SummaryContext): OptimizeSummary {
  const ranked = rankTrials(trials, context.direction);
  const asRanked = (t: FinishedTrial, i: number): RankedTrial => ({ rank: i + 1, number: t.number, value: t.value!, params: t.params, metrics: t.metrics });
  const counts = stateCounts(trials);
  const sens = sensitivity(trials, context.space, context.direction);
  const best = ranked[0];
  const { space: _space, total: _total, top: _top, pboSplits: _pboSplits, settings: _settings, ...described } = context;
  return {
    ...described,
    interrupted,
    trials: { total: context.total, finished: trials.length, complete: counts.complete, pruned: counts.pruned, failed: counts.failed, rejected: trials.filter((t) => t.state === 'pruned' && t.moments === undefined).length },
    top: ranked.slice(0, context.top).map(asRanked),
    winner: best ? { ...asRanked(best, 0), command: winnerCommand(context.settings, best.params) } : null,
    sensitivity: sens,
    heatmap: heatmap(trials, context.space, context.direction, sens) ?? null,
    overfitting: overfitting(trials, best, context.pboSplits),
  };
}
