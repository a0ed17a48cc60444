/** A walk-forward as `rrr walkforward` prints it and returns it with --json. */
import { formatTime } from '../../data/time.js';
import type { Metrics } from '../../engine/metrics.js';
import type { Direction, SearchMethod } from '../optimize/types.js';
import type { SweepThreads } from '../sweep/types.js';
import type { ParameterStability } from './stability.js';
import type { WalkForwardResult, WindowResult } from './run.js';

export interface WalkForwardContext {
  strategy: string;
  symbols: string[];
  timeframe: string;
  periodsPerYear: number;
  /** Windows the layout holds (more than `windows` when interrupted). */
  windowsPlanned: number;
  layout: { anchored: boolean; train: string; test: string; purge: string; embargo: string };
  search: { method: SearchMethod; seed?: number; trials?: number; objective: string; direction: Direction; constraints: string[] };
  /** The threads the trials ran on; absent when a queue's workers ran them. */
  threads?: SweepThreads;
}

export interface WalkForwardSummary extends WalkForwardContext {
  /** The data's first and last bar. */
  from: string;
  to: string;
  windows: WindowResult[];
  stitched: { bars: number; start: string | null; end: string | null; metrics: Metrics; time: string[]; equity: number[] };
  efficiency: WalkForwardResult['efficiency'];
  stability: ParameterStability[];
  interrupted: boolean;
}

export function summarizeWalkForward(result: WalkForwardResult, context: WalkForwardContext, data: { from: number; to: number }): WalkForwardSummary {
  const { time, equity, metrics } = result.stitched;
  return {
    ...context,
    from: formatTime(data.from),
    to: formatTime(data.to),
    windows: result.windows,
    stitched: {
      bars: equity.length,
      start: equity.length > 0 ? formatTime(time[0]) : null,
      end: equity.length > 0 ? formatTime(time[time.length - 1]) : null,
      metrics,
      time: Array.from(time, formatTime),
      equity: Array.from(equity),
    },
    efficiency: result.efficiency,
    stability: result.stability,
    interrupted: result.interrupted,
  };
}
