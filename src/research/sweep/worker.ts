/**
 * A pool worker: it views the bars the pool shares (no copy), then runs batches of trials with the same
 * InThreadEvaluator (hence the same runTrial and indicator cache) as a sweep in one thread, and sends the
 * outputs back packed in one transferred buffer.
 */
import { threadId } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol, workerData } from 'piscina';
import { isUserError } from '../../errors.js';
import type { IndicatorCacheStats } from '../../indicators/cache.js';
import { InThreadEvaluator } from './in-thread.js';
import { packOutputs, type PackedOutputs } from './packed-results.js';
import { sharedBarsView, type SharedBars } from './shared-bars.js';
import type { Bars } from '../../data/bars.js';
import type { BarRange, SweepSpec, TrialInput } from './types.js';

export interface WorkerData {
  indicatorCacheBytes?: number;
}

/**
 * The bars a task runs on: `generation` counts the pool's load() calls. A worker that holds another generation
 * (it started after the bars were sent, or replaced a worker that died) answers NeedsBars, and the pool sends
 * that task again with `bars`: each worker is sent the shared bars once per load, never with every task.
 */
interface OnBars {
  generation: number;
  bars?: SharedBars;
}

export type WorkerTask =
  | ({ kind: 'run'; spec: SweepSpec; range: BarRange; trials: TrialInput[] } & OnBars)
  /** Loads this worker's modules, the bars when given and the strategy when named, ahead of the first batch. */
  | ({ kind: 'warm'; strategy?: string } & Partial<OnBars>)
  | ({ kind: 'probe' } & OnBars);

export interface WorkerProbe {
  threadId: number;
  sharedBuffers: boolean;
  indicatorCache: IndicatorCacheStats;
}

export interface NeedsBars {
  needsBars: true;
}

const data = workerData as WorkerData;
const evaluator = new InThreadEvaluator({ indicatorCacheBytes: data.indicatorCacheBytes });
let bars: Bars[] = [];
let held = -1;

/** A user error (unknown strategy, a file that does not load) crosses back as data, to be thrown again as itself. */
export interface WorkerUserError {
  userError: { message: string; code: string; exitCode: 1 | 2 | 3 };
}

export default async function runTask(task: WorkerTask): Promise<unknown> {
  try {
    return await perform(task);
  } catch (error) {
    if (!isUserError(error)) throw error;
    const refused: WorkerUserError = { userError: { message: error.message, code: error.code, exitCode: error.exitCode } };
    return refused;
  }
}

async function perform(task: WorkerTask): Promise<unknown> {
  if (task.generation !== undefined && task.generation !== held) {
    if (!task.bars) return { needsBars: true } satisfies NeedsBars;
    bars = sharedBarsView(task.bars);
    await evaluator.load(bars);
    held = task.generation;
  }
  if (task.kind === 'warm') {
    if (task.strategy !== undefined) await evaluator.strategy(task.strategy);
    return null;
  }
  if (task.kind === 'probe') {
    const probe: WorkerProbe = { threadId, sharedBuffers: bars.length > 0 && bars.every((b) => b.close.buffer instanceof SharedArrayBuffer), indicatorCache: evaluator.indicatorCache.stats };
    return probe;
  }
  const packed = packOutputs(task.spec, await evaluator.runAsGiven(task.spec, task.range, task.trials));
  return move({
    get [transferableSymbol]() {
      return packed.numbers.buffer;
    },
    get [valueSymbol](): PackedOutputs {
      return packed;
    },
  } as never);
}
