/**
 * Overfitting statistics: how likely a sweep's winner is to be luck. PSR, DSR and MinTRL
 * (sharpe-stats.ts), PBO by CSCV (pbo.ts), on the normal distribution of src/stats/normal.ts, and the
 * audit of a returns matrix that `rrr overfitting` prints (audit.ts, returns-csv.ts).
 */
export type { ReturnMoments, SharpeSample, DeflatedSharpe } from './sharpe-stats.js';
export {
  EULER_GAMMA,
  returnMoments,
  sharpeOf,
  probabilisticSharpeRatio,
  minTrackRecordLength,
  expectedMaxSharpe,
  deflatedSharpeRatio,
  sharpeVariance,
} from './sharpe-stats.js';
export type { UnionMetric, PboResult } from './pbo.js';
export { CscvBlocks, cscvBlocks, probabilityOfBacktestOverfitting, sharpeMetric, binomial, checkSplits, MAX_SPLITS } from './pbo.js';
export type { OverfittingAudit, OverfittingAuditOptions } from './audit.js';
export { auditReturns } from './audit.js';
export type { ReturnsMatrix } from './returns-csv.js';
export { parseReturnsCsv, readReturnsCsv } from './returns-csv.js';
