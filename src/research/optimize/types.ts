/**
 * What a parameter search records of each trial: the one shape the search loop returns, the study store
 * persists and a resumed study replays.
 */
import type { MetricKey } from '../../engine/metrics.js';
import type { ReturnMoments } from '../overfitting/sharpe-stats.js';
import type { Direction, ParamCheck, SearchMethod, TrialState } from '../search/index.js';
import type { ParamValue, SearchSpace } from '../search/space.js';

export type { Direction, SearchMethod, TrialState, ParamValue, SearchSpace };

/** A comparison a trial's metrics must pass to count (`tradeCount>=30`); a failing trial is pruned. */
export interface Constraint {
  metric: MetricKey;
  op: '>' | '>=' | '<' | '<=' | '==' | '!=';
  value: number;
  /** As the user wrote it, for messages and the study record. */
  text: string;
}

/** A trial after it ran (or was pruned before running): everything the summary and the store need. */
export interface FinishedTrial {
  number: number;
  params: Record<string, ParamValue>;
  /** complete: has a value; pruned: rejected by the strategy's check or a constraint; failed: no objective or an error. */
  state: TrialState;
  /** The objective, when complete. */
  value?: number;
  metrics: Partial<Record<MetricKey, number | null>>;
  /** Moments of the per-bar returns (for the deflated Sharpe ratio's trial variance). */
  moments?: ReturnMoments;
  /** Per-block CSCV statistics (means at [b], squared deviations at [S + b]), for PBO. */
  blocks?: Float64Array;
  /** Why it was pruned or failed, as one sentence. */
  reason?: string;
}

/** How to search: the space, the method, what to optimize, and which trials count. */
export interface SearchSettings {
  space: SearchSpace;
  method: SearchMethod;
  seed?: number;
  /** Number of trials for random and TPE (a grid runs all of its points). */
  trials?: number;
  /** Run a grid above 1,000,000 points (--yes). */
  allowLarge?: boolean;
  direction: Direction;
  objective: MetricKey;
  constraints: Constraint[];
  /** The strategy's cross-check (strategyCheck): rejected parameters are pruned before they run. */
  validate?: ParamCheck;
  /** Trials sent to the evaluator at once (default: enough to keep every worker busy). */
  batchSize?: number;
  /**
   * Run only the trials whose number % count == index - 1 (1-based index) of the one trial sequence, so n
   * machines can split a grid or random search. Refused for TPE, whose proposals depend on earlier results.
   */
  shard?: { index: number; count: number };
}

export interface SearchProgress {
  done: number;
  total: number | undefined;
  best?: FinishedTrial;
}

export interface SearchHooks {
  /** After each batch, its trials in number order (pruned-before-running ones included). */
  onTrials?(finished: FinishedTrial[]): void;
  onProgress?(p: SearchProgress): void;
  /** Stop asking; the batch in flight finishes and the partial study is returned. */
  signal?: AbortSignal;
  /** Finished trials of a resumed study: replayed into the sampler, never run again. */
  done?: readonly FinishedTrial[];
}

export interface SearchResult {
  /** Every trial in number order, resumed ones included. */
  trials: FinishedTrial[];
  best?: FinishedTrial;
  interrupted: boolean;
}
