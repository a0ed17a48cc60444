/**
 * Probability of backtest overfitting by combinatorially symmetric cross-validation (CSCV): Bailey,
 * Borwein, López de Prado & Zhu, "The Probability of Backtest Overfitting", J. of Computational Finance
 * 20(4), 2017.
 *
 * The T x N matrix of per-period returns (T periods, N configurations) is cut into S equal blocks of rows.
 * For each of the C(S, S/2) ways to pick half of the blocks as in-sample (IS, the rest out-of-sample, OOS),
 * the IS-best configuration's OOS relative rank ω = rank/(N + 1) gives a logit λ = ln(ω/(1 − ω)); PBO is the
 * share of λ <= 0, i.e. of splits where the IS winner lands at or below the OOS median.
 *
 * Memory stays flat whatever T is: per configuration and block only the sufficient statistics of its
 * returns are kept (the block's mean and sum of squared deviations, M2 — the count is the block size, the
 * same for every block), and the mean and standard deviation of any union of blocks follow from those
 * exactly (Chan et al.'s pairwise formula), so the series themselves are never held or concatenated.
 * Mean and M2 are the numerically stable form of (count, sum, sum of squares).
 */
import { sharpeOf } from './sharpe-stats.js';

/** Largest S accepted: C(20, 10) = 184,756 splits; C(22, 11) is 705,432 and the cost grows with N·S. */
export const MAX_SPLITS = 20;

/** A performance measure of a union of blocks, from its count, mean and sample standard deviation. */
export type UnionMetric = (count: number, mean: number, std: number) => number;

/** Per-period Sharpe ratio mean/std (risk-free rate 0), the default measure. */
export const sharpeMetric: UnionMetric = (_count, mean, std) => sharpeOf(mean, std);

/** Number of ways to choose k of n (exact below 2^53). */
export function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return Math.round(result);
}

/** Checks S against T: an even whole number from 2 to MAX_SPLITS with at least 2 rows per block. */
export function checkSplits(splits: number, rows: number): void {
  if (!(Number.isInteger(splits) && splits >= 2 && splits % 2 === 0 && splits <= MAX_SPLITS)) {
    throw new RangeError(`splits must be an even whole number from 2 to ${MAX_SPLITS} (16 is usual), got ${splits}.`);
  }
  if (!(Number.isInteger(rows) && rows >= 2 * splits)) {
    throw new RangeError(`${splits} splits need at least ${2 * splits} rows of returns (2 per block), got ${rows}.`);
  }
}

/**
 * One series' CSCV block statistics: with blockSize = floor(T / S) and the first T mod S rows skipped, block
 * b's mean goes to means[offset + b] and its sum of squared deviations to m2s[offset + b] (two passes per
 * block, no allocation). Returns the row of the first non-finite return (nothing is then trusted), else undefined.
 */
export function blockStatsInto(returns: ArrayLike<number>, splits: number, means: Float64Array, m2s: Float64Array, offset = 0): number | undefined {
  const rows = returns.length;
  const blockSize = Math.floor(rows / splits);
  const droppedRows = rows - blockSize * splits;
  for (let b = 0; b < splits; b++) {
    const start = droppedRows + b * blockSize;
    const end = start + blockSize;
    let sum = 0;
    for (let t = start; t < end; t++) {
      const x = returns[t];
      if (!Number.isFinite(x)) return t;
      sum += x;
    }
    const mean = sum / blockSize;
    let m2 = 0;
    for (let t = start; t < end; t++) m2 += (returns[t] - mean) ** 2;
    means[offset + b] = mean;
    m2s[offset + b] = m2;
  }
  return undefined;
}

/**
 * Sufficient statistics of N return series over S equal blocks of rows, filled either one whole series
 * at a time (`addColumn`, as a sweep finishes its trials) or one row of N returns at a time (`addRow`, as a
 * file is read). When T is not a multiple of S the first T mod S rows (the oldest) are skipped, so every
 * block has the same length (as pypbo does).
 */
export class CscvBlocks {
  readonly configurations: number;
  readonly rows: number;
  readonly splits: number;
  /** Rows per block, floor(T / S). */
  readonly blockSize: number;
  /** Leading rows left out so the blocks are equal: T mod S. */
  readonly droppedRows: number;
  /** Block means, configuration-major: [j * S + b]. */
  readonly means: Float64Array;
  /** Block sums of squared deviations from the block mean, same layout. */
  readonly m2s: Float64Array;
  private readonly filled: Uint8Array;
  private filledColumns = 0;
  private rowsAdded = 0;

  constructor(configurations: number, rows: number, splits: number) {
    if (!(Number.isInteger(configurations) && configurations >= 2)) {
      throw new RangeError(`PBO needs at least 2 configurations to choose among, got ${configurations}.`);
    }
    checkSplits(splits, rows);
    this.configurations = configurations;
    this.rows = rows;
    this.splits = splits;
    this.blockSize = Math.floor(rows / splits);
    this.droppedRows = rows - this.blockSize * splits;
    this.means = new Float64Array(configurations * splits);
    this.m2s = new Float64Array(configurations * splits);
    this.filled = new Uint8Array(configurations);
  }

  /** Folds in configuration `j`'s whole series of T returns (two passes per block, no allocation). */
  addColumn(j: number, returns: ArrayLike<number>): void {
    if (!(Number.isInteger(j) && j >= 0 && j < this.configurations)) throw new RangeError(`configuration index ${j} is outside 0..${this.configurations - 1}.`);
    if (returns.length !== this.rows) throw new RangeError(`configuration ${j} has ${returns.length} returns; every configuration needs ${this.rows}.`);
    if (this.rowsAdded > 0) throw new RangeError('CscvBlocks: fill by rows or by columns, not both.');
    if (this.filled[j]) throw new RangeError(`configuration ${j} was already added.`);
    const problem = blockStatsInto(returns, this.splits, this.means, this.m2s, j * this.splits);
    if (problem !== undefined) throw new RangeError(`configuration ${j} has a non-finite return (${returns[problem]}) at row ${problem}.`);
    this.filled[j] = 1;
    this.filledColumns++;
  }

  /**
   * Takes configuration `j`'s block statistics as computed elsewhere (a worker ran blockStatsInto over the
   * same T rows): means at stats[0..S), sums of squared deviations at stats[S..2S).
   */
  addBlockStats(j: number, stats: ArrayLike<number>): void {
    if (!(Number.isInteger(j) && j >= 0 && j < this.configurations)) throw new RangeError(`configuration index ${j} is outside 0..${this.configurations - 1}.`);
    if (stats.length !== 2 * this.splits) throw new RangeError(`configuration ${j} has ${stats.length} block statistics; ${this.splits} splits need ${2 * this.splits}.`);
    if (this.rowsAdded > 0) throw new RangeError('CscvBlocks: fill by rows or by columns, not both.');
    if (this.filled[j]) throw new RangeError(`configuration ${j} was already added.`);
    for (let b = 0; b < this.splits; b++) {
      this.means[j * this.splits + b] = stats[b];
      this.m2s[j * this.splits + b] = stats[this.splits + b];
    }
    this.filled[j] = 1;
    this.filledColumns++;
  }

  /** Folds in the next row (one return per configuration, in time order), by Welford's update. */
  addRow(values: ArrayLike<number>): void {
    if (values.length !== this.configurations) throw new RangeError(`a row needs ${this.configurations} returns, got ${values.length}.`);
    if (this.filledColumns > 0) throw new RangeError('CscvBlocks: fill by rows or by columns, not both.');
    if (this.rowsAdded >= this.rows) throw new RangeError(`CscvBlocks was sized for ${this.rows} rows; a row more was added.`);
    const t = this.rowsAdded++;
    for (let j = 0; j < values.length; j++) {
      if (!Number.isFinite(values[j])) throw new RangeError(`configuration ${j} has a non-finite return (${values[j]}) at row ${t}.`);
    }
    if (t < this.droppedRows) return;
    const offset = t - this.droppedRows;
    const b = Math.floor(offset / this.blockSize);
    const k = offset - b * this.blockSize + 1; // position in the block, from 1
    const S = this.splits;
    for (let j = 0; j < values.length; j++) {
      const i = j * S + b;
      const x = values[j];
      const delta = x - this.means[i];
      this.means[i] += delta / k;
      this.m2s[i] += delta * (x - this.means[i]);
    }
  }

  /** True once every configuration (or every row) has been added. */
  get complete(): boolean {
    return this.filledColumns === this.configurations || this.rowsAdded === this.rows;
  }
}

/** Builds the block statistics of whole columns (one array of T returns per configuration). */
export function cscvBlocks(columns: readonly ArrayLike<number>[], splits = 16): CscvBlocks {
  const rows = columns.length > 0 ? columns[0].length : 0;
  const blocks = new CscvBlocks(columns.length, rows, splits);
  for (let j = 0; j < columns.length; j++) blocks.addColumn(j, columns[j]);
  return blocks;
}

/** What CSCV found. */
export interface PboResult {
  /** Probability of backtest overfitting: the share of logits <= 0. */
  pbo: number;
  /** Probability that the IS-best configuration loses out of sample (its OOS measure below 0). */
  probabilityOfOosLoss: number;
  splits: number;
  configurations: number;
  /** C(S, S/2). */
  combinations: number;
  /** Rows used (S x block size) and rows left out at the start. */
  rowsUsed: number;
  droppedRows: number;
  /**
   * One entry per split, in this order: the C(S−1, S/2−1) IS halves that contain block 0, in lexicographic
   * order, then the complements of those, in the same order (entry k + C/2 swaps IS and OOS of entry k).
   */
  logits: Float64Array;
  /** The IS-best configuration of each split (first index on ties). */
  bestIndex: Int32Array;
  /** Its IS and OOS measures. */
  bestInSample: Float64Array;
  bestOutOfSample: Float64Array;
}

/** Fills `out[j]` with the measure of configuration j over the union of `members` blocks. */
function unionMetrics(blocks: CscvBlocks, members: Int32Array, metric: UnionMetric, out: Float64Array): void {
  const { splits: S, blockSize, means, m2s } = blocks;
  const h = members.length;
  const count = h * blockSize;
  for (let j = 0; j < out.length; j++) {
    const base = j * S;
    let sum = 0;
    for (let i = 0; i < h; i++) sum += means[base + members[i]];
    const mean = sum / h; // blocks are equally long
    let m2 = 0;
    for (let i = 0; i < h; i++) {
      const d = means[base + members[i]] - mean;
      m2 += m2s[base + members[i]] + blockSize * d * d;
    }
    out[j] = metric(count, mean, Math.sqrt(m2 / (count - 1)));
  }
}

/** Index of the largest of `values` (the first on ties). */
function argmax(values: Float64Array): number {
  let best = 0;
  for (let j = 1; j < values.length; j++) if (values[j] > values[best]) best = j;
  return best;
}

/** Average rank (1-based, ties sharing their mean rank, as scipy's rankdata) of values[i] among values. */
function averageRank(values: Float64Array, i: number): number {
  const v = values[i];
  let less = 0;
  let equal = 0;
  for (let j = 0; j < values.length; j++) {
    if (values[j] < v) less++;
    else if (values[j] === v) equal++;
  }
  return less + (equal + 1) / 2;
}

/**
 * PBO by CSCV over block statistics (or whole columns, cut into `splits` blocks). `metric` ranks the
 * configurations on each half; the per-period Sharpe ratio by default.
 */
export function probabilityOfBacktestOverfitting(
  input: CscvBlocks | readonly ArrayLike<number>[],
  options: { splits?: number; metric?: UnionMetric } = {},
): PboResult {
  const blocks = input instanceof CscvBlocks ? input : cscvBlocks(input, options.splits ?? 16);
  if (!blocks.complete) throw new RangeError('CscvBlocks is not complete: add every configuration (or every row) first.');
  const metric = options.metric ?? sharpeMetric;
  const S = blocks.splits;
  const N = blocks.configurations;
  const h = S / 2;
  const combinations = binomial(S, h);
  const half = combinations / 2;
  const logits = new Float64Array(combinations);
  const bestIndex = new Int32Array(combinations);
  const bestInSample = new Float64Array(combinations);
  const bestOutOfSample = new Float64Array(combinations);
  const first = new Float64Array(N);
  const second = new Float64Array(N);
  const members = new Int32Array(h);
  const others = new Int32Array(h);
  for (let i = 0; i < h; i++) members[i] = i; // lexicographic start; members[0] stays 0
  let overfit = 0;
  let losses = 0;

  const record = (k: number, inSample: Float64Array, outOfSample: Float64Array): void => {
    const best = argmax(inSample);
    const w = averageRank(outOfSample, best) / (N + 1);
    const logit = Math.log(w / (1 - w));
    logits[k] = logit;
    bestIndex[k] = best;
    bestInSample[k] = inSample[best];
    bestOutOfSample[k] = outOfSample[best];
    if (logit <= 0) overfit++;
    if (outOfSample[best] < 0) losses++;
  };

  for (let k = 0; k < half; k++) {
    // The complement of `members` in 0..S-1, in order.
    for (let b = 0, m = 0, o = 0; b < S; b++) {
      if (m < h && members[m] === b) m++;
      else others[o++] = b;
    }
    unionMetrics(blocks, members, metric, first);
    unionMetrics(blocks, others, metric, second);
    record(k, first, second);
    record(k + half, second, first);
    // Next combination in lexicographic order, keeping block 0 in front: the ones with 0 come first.
    let i = h - 1;
    while (i > 0 && members[i] === S - h + i) i--;
    if (i === 0) break;
    members[i]++;
    for (let j = i + 1; j < h; j++) members[j] = members[j - 1] + 1;
  }

  return {
    pbo: overfit / combinations,
    probabilityOfOosLoss: losses / combinations,
    splits: S,
    configurations: N,
    combinations,
    rowsUsed: blocks.blockSize * S,
    droppedRows: blocks.droppedRows,
    logits,
    bestIndex,
    bestInSample,
    bestOutOfSample,
  };
}
