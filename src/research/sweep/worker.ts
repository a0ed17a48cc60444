/**
 * A pool worker: it views the bars the pool shared once (no copy), then runs batches of trials with the same
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
import type { BarRange, SweepSpec, TrialInput } from './types.js';

export interface WorkerData {
  bars: SharedBars;
  indicatorCacheBytes?: number;
}

export type WorkerTask =
  | { kind: 'run'; spec: SweepSpec; range: BarRange; trials: TrialInput[] }
  /** Loads this worker's modules and the strategy ahead of the first batch (a warm pool); `probe` reports what it sees. */
  | { kind: 'warm'; strategy?: string }
  | { kind: 'probe' };

export interface WorkerProbe {
  threadId: number;
  sharedBuffers: boolean;
  indicatorCache: IndicatorCacheStats;
}

const data = workerData as WorkerData;
const evaluator = new InThreadEvaluator({ indicatorCacheBytes: data.indicatorCacheBytes });
const bars = sharedBarsView(data.bars);
const loaded = evaluator.load(bars);

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
  await loaded;
  if (task.kind === 'warm') {
    if (task.strategy !== undefined) await evaluator.strategy(task.strategy);
    return null;
  }
  if (task.kind === 'probe') {
    const probe: WorkerProbe = { threadId, sharedBuffers: bars.every((b) => b.close.buffer instanceof SharedArrayBuffer), indicatorCache: evaluator.indicatorCache.stats };
    return probe;
  }
  const packed = packOutputs(task.spec, await evaluator.run(task.spec, task.range, task.trials));
  return move({
    get [transferableSymbol]() {
      return packed.numbers.buffer;
    },
    get [valueSymbol](): PackedOutputs {
      return packed;
    },
  } as never);
}
