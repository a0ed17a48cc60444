/**
 * Parameter optimization: the search loop (search-loop.ts), objectives and constraints (objective.ts), and
 * what is reported beside the winner (summary.ts). Studies are persisted by study-store.ts.
 */
export type { Constraint, FinishedTrial, SearchHooks, SearchProgress, SearchResult, SearchSettings } from './types.js';
export { runSearch, finishTrial, defaultBatchSize } from './search-loop.js';
export { OBJECTIVE_KEYS, parseObjective, parseConstraint, failedConstraint, neededMetrics } from './objective.js';
export {
  rankTrials,
  stateCounts,
  winnerCommand,
  shellQuote,
  sensitivity,
  heatmap,
  overfitting,
  summarizeSearch,
  SHOWN_METRICS,
  type OptimizeSummary,
  type RankedTrial,
  type SummaryContext,
  type Sensitivity,
  type SensitivityPoint,
  type Heatmap,
  type OverfittingSummary,
} from './summary.js';
export { StudyRecorder, listStudies, getStudy, studySummaryContext, studyStateLabel, type StudyHeader, type StudyListing, type StudyState } from './study-store.js';
export { parseShard, shardOf, writeTrialsParquet, readShards, type Shard } from './shards.js';
