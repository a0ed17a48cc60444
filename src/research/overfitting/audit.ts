/**
 * The overfitting audit of a sweep, as `rrr overfitting` prints it: PBO over all configurations, and the
 * probabilistic and deflated Sharpe ratios and minimum track record length of the best one, deflated by
 * the number of configurations (every column counts as a trial actually run).
 */
import { UserError } from '../../errors.js';
import { CscvBlocks, probabilityOfBacktestOverfitting } from './pbo.js';
import { deflatedSharpeRatio, minTrackRecordLength, probabilisticSharpeRatio, returnMoments, sharpeVariance } from './sharpe-stats.js';

export interface OverfittingAuditOptions {
  /** CSCV blocks S (even, default 16). */
  splits?: number;
  /** Column names (default c1..cN). */
  names?: readonly string[];
  /** Confidence for the minimum track record length (default 0.95). */
  confidence?: number;
}

export interface OverfittingAudit {
  rows: number;
  /** N: configurations, i.e. trials, the deflated Sharpe ratio counts. */
  configurations: number;
  pbo: {
    pbo: number;
    probabilityOfOosLoss: number;
    splits: number;
    combinations: number;
    rowsUsed: number;
    droppedRows: number;
  };
  /** Sample variance (divisor N − 1) of the N per-period Sharpe ratios. */
  sharpeVariance: number;
  /** The configuration with the highest per-period Sharpe ratio over all rows (the first on ties). */
  best: {
    index: number;
    name: string;
    mean: number;
    std: number;
    sharpe: number;
    skewness: number;
    /** Pearson kurtosis (3 for a normal). */
    kurtosis: number;
    /** PSR against a Sharpe ratio of 0. */
    psr: number;
    /** DSR = PSR(SR0). */
    dsr: number;
    /** SR0, the expected best per-period Sharpe ratio of N luck-only trials. */
    deflationBenchmark: number;
    /** Rows needed for PSR(0) to reach `confidence`; null when the Sharpe ratio is not above 0. */
    minTrackRecordLength: number | null;
    confidence: number;
  };
}

/** Audits a T x N returns matrix given as N columns of T per-period returns. */
export function auditReturns(columns: readonly Float64Array[], options: OverfittingAuditOptions = {}): OverfittingAudit {
  const splits = options.splits ?? 16;
  const confidence = options.confidence ?? 0.95;
  const names = options.names ?? columns.map((_, j) => `c${j + 1}`);
  const N = columns.length;
  const T = N > 0 ? columns[0].length : 0;
  const blocks = new CscvBlocks(N, T, splits);
  const sharpes = new Float64Array(N);
  let bestIndex = 0;
  let best = returnMoments(columns[0]);
  for (let j = 0; j < N; j++) {
    blocks.addColumn(j, columns[j]);
    const moments = j === 0 ? best : returnMoments(columns[j]);
    if (!Number.isFinite(moments.sharpe)) {
      throw new UserError(`Configuration "${names[j]}" returns the same non-zero value every period, so its Sharpe ratio is undefined; drop that column.`, { exitCode: 1 });
    }
    sharpes[j] = moments.sharpe;
    if (moments.sharpe > best.sharpe) {
      best = moments;
      bestIndex = j;
    }
  }
  const pbo = probabilityOfBacktestOverfitting(blocks);
  const variance = sharpeVariance(sharpes, 1);
  const sample = { sharpe: best.sharpe, skewness: best.skewness, kurtosis: best.kurtosis, observations: T };
  const deflated = deflatedSharpeRatio({ ...sample, trials: N, sharpeVariance: variance });
  const minTrl = minTrackRecordLength(sample, 0, confidence);
  return {
    rows: T,
    configurations: N,
    pbo: {
      pbo: pbo.pbo,
      probabilityOfOosLoss: pbo.probabilityOfOosLoss,
      splits: pbo.splits,
      combinations: pbo.combinations,
      rowsUsed: pbo.rowsUsed,
      droppedRows: pbo.droppedRows,
    },
    sharpeVariance: variance,
    best: {
      index: bestIndex,
      name: names[bestIndex],
      mean: best.mean,
      std: best.std,
      sharpe: best.sharpe,
      skewness: best.skewness,
      kurtosis: best.kurtosis,
      psr: probabilisticSharpeRatio(sample, 0),
      dsr: deflated.dsr,
      deflationBenchmark: deflated.benchmark,
      minTrackRecordLength: Number.isFinite(minTrl) ? minTrl : null,
      confidence,
    },
  };
}
