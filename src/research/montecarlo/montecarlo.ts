import { UserError, suggestion } from '../../errors.js';
import { bootstrapInto } from './bootstrap.js';
import { optimalBlockLength, stationaryBootstrapInto } from './block-bootstrap.js';
import { permuteInto } from './permute.js';
import { PathRng, pathSeed } from './rng.js';
import { summarizeRuin, type RuinSummary } from './ruin.js';
import { bandSteps, distribution, equityBands, percentileRank, type Distribution, type EquityBands } from './summary.js';
import { allocateColumns, walkPath, type PathColumns, type WalkSpec } from './walk.js';

/**
 * - permute: the trades in a random order (drawdown risk; final equity is unchanged);
 * - bootstrap: trades drawn with replacement;
 * - returns: per-bar returns drawn with replacement (iid);
 * - block: per-bar returns by stationary block bootstrap (Politis & Romano 1994), automatic block length.
 */
export type MonteCarloMethod = 'permute' | 'bootstrap' | 'returns' | 'block';
export const MONTE_CARLO_METHODS: readonly MonteCarloMethod[] = ['permute', 'bootstrap', 'returns', 'block'];

export interface MonteCarloOptions {
  /** Trade returns as fractions (0.02 = +2%), in the order they happened; used by permute and bootstrap. */
  trades?: Float64Array;
  /** Per-bar returns as fractions, in time order; used by returns and block. */
  returns?: Float64Array;
  /** Equity before the first trade or bar (> 0). */
  initialEquity: number;
  method: MonteCarloMethod;
  /** Paths in the whole study (a positive whole number). */
  runs: number;
  /** Any integer (taken modulo 2^32): the same seed gives the same paths however they are split. */
  seed: number;
  /** Ruin is equity at or below ruinLevel x initialEquity at any step; 0 <= ruinLevel < 1, default 0.5. */
  ruinLevel?: number;
  /** Run only paths [start, end) of the study (a worker's share); merge the parts with mergeMonteCarlo. */
  pathRange?: readonly [number, number];
  /**
   * compound (default): each return is a fraction of current equity; fixed: of initial equity (a fixed
   * amount per trade, equity += r x initialEquity).
   */
  sizing?: 'compound' | 'fixed';
  /** Mean block length for method block; default: Politis & White (2004, corrected 2009) from the returns. */
  blockLength?: number;
  /** At most this many sampled steps in the equity bands (default 101; at least 2). */
  bandPoints?: number;
  /** Periods per year to annualize Sharpe (times sqrt of it); default 1: Sharpe per trade or bar. */
  periodsPerYear?: number;
}

/** What two slices must share to be merged: everything that decides the paths. */
export interface MonteCarloSettings {
  method: MonteCarloMethod;
  sizing: 'compound' | 'fixed';
  runs: number;
  seed: number;
  /** Trades or bars per path. */
  steps: number;
  initialEquity: number;
  ruinLevel: number;
  /** The mean block length used (method block), else null. */
  blockLength: number | null;
  periodsPerYear: number | null;
  /** A checksum of the input series, so slices of different inputs are not merged. */
  inputChecksum: number;
}

/** The actual (unresampled) result and where it ranks among the paths, in percent (see percentileRank). */
export interface MonteCarloActual {
  finalReturn: number;
  maxDrawdown: number;
  sharpe: number;
  /** null for permute, whose paths all end where the actual one does. */
  finalReturnRank: number | null;
  maxDrawdownRank: number;
  sharpeRank: number | null;
}

export interface MonteCarloResult {
  settings: MonteCarloSettings;
  /** The paths this result covers: [0, runs) for a whole study. */
  pathRange: [number, number];
  /** Percentile bands (5/25/50/75/95) of equity at sampled steps. */
  bands: EquityBands;
  /** Final return (fraction) across paths; null for permute (it is constant), see notes. */
  finalReturn: Distribution | null;
  /** Max drawdown (positive fraction of the running peak) across paths. */
  maxDrawdown: Distribution;
  /** Sharpe of each path's drawn returns; null for permute (same returns, same Sharpe), see notes. */
  sharpe: Distribution | null;
  actual: MonteCarloActual;
  ruin: RuinSummary;
  /** Why a distribution is missing, one sentence each. */
  notes: string[];
  /** Per-path values of this slice, as columns (what a worker sends back). */
  paths: PathColumns;
}

const DEFAULT_BAND_POINTS = 101;

const PERMUTE_NOTE =
  'Permutation reorders the same trades, so every path has the actual final return and Sharpe: no distribution of either is reported.';

function fail(message: string): never {
  throw new UserError(message);
}

function checkSeries(name: string, series: Float64Array, compound: boolean): void {
  if (series.length === 0) fail(`The ${name} series is empty: Monte Carlo needs at least one value.`);
  for (let i = 0; i < series.length; i++) {
    const v = series[i];
    if (!Number.isFinite(v)) fail(`The ${name} series has a value that is not a finite number at position ${i}.`);
    if (compound && v < -1) fail(`The ${name} series has a return of ${v} at position ${i}, below -1 (a loss of more than everything).`);
  }
}

/** FNV-1a over the bytes of the series: cheap, and enough to tell different inputs apart. */
function checksum(series: Float64Array): number {
  const bytes = new Uint8Array(series.buffer, series.byteOffset, series.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

interface Prepared {
  settings: MonteCarloSettings;
  source: Float64Array;
  spec: WalkSpec;
  start: number;
  end: number;
}

function prepare(options: MonteCarloOptions): Prepared {
  const method = options.method;
  if (!MONTE_CARLO_METHODS.includes(method)) {
    fail(`Unknown Monte Carlo method "${String(method)}".${suggestion(String(method), MONTE_CARLO_METHODS, 'methods')}`);
  }
  const runs = options.runs;
  if (!Number.isSafeInteger(runs) || runs <= 0 || runs > 0xffffffff) fail(`runs must be a whole number from 1 to 4294967295, not ${runs}.`);
  if (!Number.isSafeInteger(options.seed)) fail(`seed must be a whole number, not ${options.seed}.`);
  const initialEquity = options.initialEquity;
  if (!(Number.isFinite(initialEquity) && initialEquity > 0)) fail(`initialEquity must be a number above 0, not ${initialEquity}.`);
  const ruinLevel = options.ruinLevel ?? 0.5;
  if (!(ruinLevel >= 0 && ruinLevel < 1)) fail(`ruinLevel must be at least 0 and below 1 (0.5: equity halved), not ${ruinLevel}.`);
  const sizing = options.sizing ?? 'compound';
  if (sizing !== 'compound' && sizing !== 'fixed') fail(`sizing must be "compound" or "fixed", not "${String(sizing)}".`);
  const compound = sizing === 'compound';

  const usesTrades = method === 'permute' || method === 'bootstrap';
  const source = usesTrades ? options.trades : options.returns;
  if (!source) fail(`Method ${method} needs ${usesTrades ? 'trade returns (trades)' : 'per-bar returns (returns)'}.`);
  checkSeries(usesTrades ? 'trade returns' : 'per-bar returns', source, compound);

  let blockLength: number | null = null;
  if (method === 'block') {
    blockLength = options.blockLength ?? optimalBlockLength(source);
    if (!(Number.isFinite(blockLength) && blockLength >= 1)) fail(`blockLength must be a number of at least 1, not ${blockLength}.`);
  }
  const bandPoints = options.bandPoints ?? DEFAULT_BAND_POINTS;
  if (!Number.isSafeInteger(bandPoints) || bandPoints < 2) fail(`bandPoints must be a whole number of at least 2, not ${bandPoints}.`);
  const periodsPerYear = options.periodsPerYear ?? null;
  if (periodsPerYear !== null && !(Number.isFinite(periodsPerYear) && periodsPerYear > 0)) {
    fail(`periodsPerYear must be a number above 0, not ${periodsPerYear}.`);
  }

  const [start, end] = options.pathRange ?? [0, runs];
  if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && start < end && end <= runs)) {
    fail(`pathRange must be [start, end) with 0 <= start < end <= runs (${runs}), not [${start}, ${end}).`);
  }

  const settings: MonteCarloSettings = {
    method,
    sizing,
    runs,
    seed: options.seed,
    steps: source.length,
    initialEquity,
    ruinLevel,
    blockLength,
    periodsPerYear,
    inputChecksum: checksum(source),
  };
  const spec: WalkSpec = {
    initialEquity,
    ruinEquity: ruinLevel * initialEquity,
    compound,
    bandSteps: bandSteps(source.length, bandPoints),
    annualizer: periodsPerYear === null ? 1 : Math.sqrt(periodsPerYear),
  };
  return { settings, source, spec, start, end };
}

/**
 * Resample a backtest's trades or returns into `runs` equity paths (or the slice `pathRange` of them) and
 * summarize them: equity bands, distributions of final return, max drawdown and Sharpe, the actual
 * result's rank among them, and the probability of ruin with a Wilson 95% interval. Path i always uses the
 * stream pathSeed(seed, i), so slices merged by mergeMonteCarlo equal one run bit for bit.
 * Throws UserError for bad input.
 */
export function monteCarlo(options: MonteCarloOptions): MonteCarloResult {
  const { settings, source, spec, start, end } = prepare(options);
  const count = end - start;
  const cols = allocateColumns(count, spec.bandSteps.length);
  // One draw buffer and one generator for all paths: nothing is allocated per path.
  const drawn = new Float64Array(source.length);
  const rng = new PathRng();
  const seed = settings.seed >>> 0;
  const meanBlock = settings.blockLength ?? 1;
  for (let i = start; i < end; i++) {
    rng.reset(pathSeed(seed, i));
    switch (settings.method) {
      case 'permute':
        permuteInto(source, drawn, rng);
        break;
      case 'bootstrap':
      case 'returns':
        bootstrapInto(source, drawn, rng);
        break;
      case 'block':
        stationaryBootstrapInto(source, drawn, rng, meanBlock);
        break;
    }
    walkPath(drawn, spec, cols, i - start);
  }

  const actualCols = allocateColumns(1, spec.bandSteps.length);
  walkPath(source, spec, actualCols, 0);
  return summarize(settings, spec.bandSteps, [start, end], cols, {
    finalReturn: actualCols.finalReturn[0],
    maxDrawdown: actualCols.maxDrawdown[0],
    sharpe: actualCols.sharpe[0],
  });
}

function summarize(
  settings: MonteCarloSettings,
  steps: Int32Array,
  pathRange: [number, number],
  cols: PathColumns,
  actual: { finalReturn: number; maxDrawdown: number; sharpe: number },
): MonteCarloResult {
  const permute = settings.method === 'permute';
  const count = cols.finalReturn.length;
  return {
    settings,
    pathRange,
    bands: equityBands(cols.bandSamples, count, steps),
    finalReturn: permute ? null : distribution(cols.finalReturn),
    maxDrawdown: distribution(cols.maxDrawdown),
    sharpe: permute ? null : distribution(cols.sharpe),
    actual: {
      ...actual,
      finalReturnRank: permute ? null : percentileRank(cols.finalReturn, actual.finalReturn),
      maxDrawdownRank: percentileRank(cols.maxDrawdown, actual.maxDrawdown),
      sharpeRank: permute ? null : percentileRank(cols.sharpe, actual.sharpe),
    },
    ruin: summarizeRuin(cols.ruined, settings.ruinLevel),
    notes: permute ? [PERMUTE_NOTE] : [],
    paths: cols,
  };
}

function sameSettings(a: MonteCarloSettings, b: MonteCarloSettings): boolean {
  return (Object.keys(a) as (keyof MonteCarloSettings)[]).every((k) => Object.is(a[k], b[k]));
}

/**
 * Combine slices of one study (same options but pathRange) into exactly the result of one run over all
 * paths: the slices may come in any order but must cover [0, runs) without gap or overlap.
 * Throws UserError when they do not, or when they come from different studies or inputs.
 */
export function mergeMonteCarlo(parts: readonly MonteCarloResult[]): MonteCarloResult {
  if (parts.length === 0) fail('There are no Monte Carlo parts to merge.');
  const first = parts[0];
  for (const p of parts) {
    if (!sameSettings(p.settings, first.settings)) {
      fail('These Monte Carlo parts come from different studies (method, seed, runs, settings or input differ) and cannot be merged.');
    }
  }
  const sorted = [...parts].sort((a, b) => a.pathRange[0] - b.pathRange[0]);
  let next = 0;
  for (const p of sorted) {
    if (p.pathRange[0] !== next) {
      fail(`The Monte Carlo parts do not cover paths [0, ${first.settings.runs}) exactly once: ${p.pathRange[0] < next ? 'overlap' : 'gap'} at path ${Math.min(next, p.pathRange[0])}.`);
    }
    next = p.pathRange[1];
  }
  if (next !== first.settings.runs) fail(`The Monte Carlo parts stop at path ${next}, not at ${first.settings.runs}: some are missing.`);

  const steps = first.bands.steps;
  const cols = allocateColumns(first.settings.runs, steps.length);
  for (const p of sorted) {
    const at = p.pathRange[0];
    cols.finalReturn.set(p.paths.finalReturn, at);
    cols.maxDrawdown.set(p.paths.maxDrawdown, at);
    cols.sharpe.set(p.paths.sharpe, at);
    cols.ruined.set(p.paths.ruined, at);
    cols.bandSamples.set(p.paths.bandSamples, at * steps.length);
  }
  const { finalReturn, maxDrawdown, sharpe } = first.actual;
  return summarize(first.settings, steps, [0, first.settings.runs], cols, { finalReturn, maxDrawdown, sharpe });
}
