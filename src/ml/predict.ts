/**
 * Model predictions inside a strategy: `predictModel(path, pipeline, bars)` is synchronous, as signals()
 * is, and runs the model batched over every bar through one onnxruntime session in a helper thread
 * (inference-worker.ts). Predictions are cached by model hash and input fingerprint (a hash of the feature
 * columns, which follow from the data and the pipeline), so a sweep over a strategy's other parameters runs
 * the model once per process.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Bars } from '../data/bars.js';
import { UserError } from '../errors.js';
import { workerEntry } from '../research/worker-entry.js';
import { computeFeatures, type FeaturePipeline } from './features.js';
import { buffersOf, checkModelFeatures, fileStamp, readModelInfo, type ModelInfo } from './inference.js';
import type { PredictResponse } from './inference-worker.js';

let bridge: { worker: Worker; port: MessagePort; signal: Int32Array } | undefined;

function startBridge(): NonNullable<typeof bridge> {
  const flag = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const entry = workerEntry(import.meta.url, 'inference-worker');
  const options = { workerData: { port: port2, flag }, transferList: [port2] };
  // From sources (vitest, npx tsx) the thread needs tsx's hooks before its first module: registered by a
  // one-line bootstrap (an --import in a worker's execArgv does not reach its entry module on Node 20).
  const worker = entry.execArgv
    ? new Worker(`import(${JSON.stringify(tsxApi())}).then((m) => { m.register(); return import(${JSON.stringify(entry.filename)}); }).catch((e) => { ${FAIL} });`, { ...options, eval: true })
    : new Worker(new URL(entry.filename), options);
  worker.unref();
  port1.unref();
  return { worker, port: port1, signal: new Int32Array(flag) };
}

/** A thread that cannot start answers the pending request with why, instead of leaving it waiting. */
const FAIL = `const { workerData } = require('node:worker_threads'); workerData.port.postMessage({ error: { unexpected: String((e && e.stack) || e) } }); const s = new Int32Array(workerData.flag); Atomics.store(s, 0, 1); Atomics.notify(s, 0);`;

function tsxApi(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
}

/** Longest wait for one batched prediction (model load included) before giving up. */
const TIMEOUT_MS = 10 * 60_000;

/**
 * The model's predictions on `columns`. The columns are moved to the thread and back (a million bars of 20
 * features are 160 MB to copy otherwise): use the returned ones, the ones given are detached.
 */
function runInWorker(path: string, columns: Float64Array[]): { predictions: Float64Array; columns: Float64Array[] } {
  bridge ??= startBridge();
  const { port, signal } = bridge;
  Atomics.store(signal, 0, 0);
  port.postMessage({ path, columns }, buffersOf(columns));
  if (Atomics.wait(signal, 0, 0, TIMEOUT_MS) === 'timed-out') throw new UserError(`Model ${path} gave no predictions within ${TIMEOUT_MS / 60_000} minutes.`, { exitCode: 1, code: 'RRR_MODEL_RUN' });
  const message = receiveMessageOnPort(port)?.message as PredictResponse | undefined;
  if (!message) throw new Error('the inference thread answered without a message');
  if ('error' in message) {
    if ('unexpected' in message.error) throw new Error(message.error.unexpected);
    throw new UserError(message.error.message, { code: message.error.code, exitCode: message.error.exitCode });
  }
  return { predictions: message.predictions, columns: message.columns };
}

const infos = new Map<string, { stamp: string; info: ModelInfo }>();
const CACHE_ENTRIES = 32;
const cache = new Map<string, Float64Array>();
const stats = { hits: 0, misses: 0, extended: 0 };
const warned = new Set<string>();

/** The model's interface, re-read only when its file changes. */
export function modelInfo(path: string): ModelInfo {
  const stamp = fileStamp(path);
  const known = infos.get(path);
  if (known && known.stamp === stamp) return known.info;
  const info = readModelInfo(path);
  infos.set(path, { stamp, info });
  return info;
}

function fingerprint(columns: readonly Float64Array[]): string {
  const h = createHash('sha1');
  for (const c of columns) h.update(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
  return h.digest('hex');
}

/** How many bars a model's own training window covers (its metadata rrr.trainedFrom / rrr.trainedTo). */
export function inSampleBars(info: ModelInfo, time: ArrayLike<number>): number {
  const from = Date.parse(info.metadata['rrr.trainedFrom'] ?? '');
  const to = Date.parse(info.metadata['rrr.trainedTo'] ?? '');
  if (!Number.isFinite(from) || !Number.isFinite(to)) return 0;
  let count = 0;
  for (let i = 0; i < time.length; i++) if (time[i] >= from && time[i] <= to) count++;
  return count;
}

/** A model's last run over a growing history: a live runner's next call extends it by a bar. */
interface LastRun {
  readonly columns: readonly Float64Array[];
  readonly predictions: Float64Array;
}
const lastRuns = new Map<string, LastRun>();

/** Whether the first `m` rows of `now` hold the same values (NaN equal to NaN) as `before`. */
function extendsRows(before: readonly Float64Array[], now: readonly Float64Array[], m: number): boolean {
  if (before.length !== now.length) return false;
  for (let j = 0; j < now.length; j++) {
    const a = before[j];
    const b = now[j];
    if (b.length < m) return false;
    for (let t = 0; t < m; t++) if (a[t] !== b[t] && !(Number.isNaN(a[t]) && Number.isNaN(b[t]))) return false;
  }
  return true;
}

/**
 * Predictions for a history that extends the model's last run by some bars: only the new bars are run (with
 * the window of rows a sequence model needs before them), so a live runner's per-bar cost is one row's
 * inference, not the whole history's. Rows are independent samples, so the values equal a batched run's
 * (to onnxruntime's kernel rounding, which may pick another GEMM path for one row than for many).
 */
function extendLastRun(key: string, info: ModelInfo, path: string, columns: Float64Array[]): Float64Array | undefined {
  const last = lastRuns.get(key);
  const m = last?.predictions.length ?? 0;
  const n = columns[0]?.length ?? 0;
  if (!last || m === 0 || n < m || !extendsRows(last.columns, columns, m)) return undefined;
  if (n === m) {
    stats.hits++;
    return last.predictions;
  }
  stats.extended++;
  const from = Math.max(0, m - info.window + 1);
  // Copies of the new rows: the columns themselves must stay here (runInWorker moves what it is given).
  const tail = runInWorker(path, columns.map((c) => c.slice(from))).predictions;
  const predictions = new Float64Array(n);
  predictions.set(last.predictions);
  predictions.set(tail.subarray(m - from), m);
  return predictions;
}

/** A model a strategy ran, with the feature columns it was given: what the live runner's drift check reads. */
export interface ModelUse {
  readonly path: string;
  readonly info: ModelInfo;
  readonly names: readonly string[];
  readonly columns: readonly Float64Array[];
}

/*
 * Kept on globalThis because a strategy file that imports 'rrr-backtest' may load a second copy of this module
 * (the built library beside the CLI's sources): the runner must still see what the strategy ran.
 */
const USES = Symbol.for('rrr.ml.modelUses');
const useLog = ((globalThis as Record<symbol, unknown>)[USES] ??= new Map<string, ModelUse>()) as Map<string, ModelUse>;

/** The models run since the last call (the latest use of each path), and forgets them. */
export function takeModelUses(): ModelUse[] {
  const uses = [...useLog.values()];
  useLog.clear();
  return uses;
}

/**
 * One prediction per bar of `bars` (NaN during warm-up) from the ONNX model at `path`, on the pipeline's
 * features. Refuses a model whose input does not match the features; warns once on stderr when bars fall
 * inside the model's training window (in-sample predictions flatter a backtest).
 */
export function predictModel(path: string, pipeline: FeaturePipeline, bars: Bars): Float64Array {
  const info = modelInfo(path);
  checkModelFeatures(info, pipeline.names);
  let columns = computeFeatures(pipeline, bars);
  const inSample = inSampleBars(info, bars.time);
  // Once per model and process: a live runner asks on every bar.
  if (inSample > 0 && !warned.has(info.hash)) {
    warned.add(info.hash);
    process.stderr.write(
      `Warning: ${inSample} of ${bars.length} bars fall inside model ${path}'s training window (${info.metadata['rrr.trainedFrom']} to ${info.metadata['rrr.trainedTo']}): its predictions there are in-sample.\n`,
    );
  }
  const runKey = `${info.hash}:${pipeline.names.join(',')}`;
  const extended = extendLastRun(runKey, info, path, columns);
  if (extended) {
    lastRuns.set(runKey, { columns, predictions: extended });
    useLog.set(path, { path, info, names: pipeline.names, columns });
    return extended;
  }
  const key = `${info.hash}:${fingerprint(columns)}`;
  let predictions = cache.get(key);
  if (predictions) stats.hits++;
  else {
    stats.misses++;
    ({ predictions, columns } = runInWorker(path, columns));
    // A walk-forward asks for one slice of the data per window; a bounded cache keeps memory flat over many.
    if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(key, predictions);
  }
  lastRuns.set(runKey, { columns, predictions });
  useLog.set(path, { path, info, names: pipeline.names, columns });
  return predictions;
}

/** In this process: cache hits (model not run), misses (model run on every bar), extended (run on new bars only). */
export function predictionCacheStats(): { hits: number; misses: number; extended: number } {
  return { ...stats };
}

export function clearPredictionCache(): void {
  cache.clear();
  lastRuns.clear();
  stats.hits = 0;
  stats.misses = 0;
  stats.extended = 0;
}

