/**
 * ONNX inference for strategies: one onnxruntime InferenceSession per model file, batched over every bar
 * at once. A model takes rows [batch, features] or sequences [batch, window, features] (an LSTM or a
 * Transformer exported from PyTorch: row t is the window of feature rows ending at bar t). A bar whose
 * inputs hold a NaN (warm-up) gets NaN. onnxruntime-node is an optional peer, loaded through optional.ts.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';
import { importOptional } from '../optional.js';
import { decodeModel, ElemType, type DecodedModel } from './onnx/proto.js';

type Ort = typeof import('onnxruntime-node');

export interface ModelInfo {
  readonly path: string;
  /** sha256 of the file: the cache key of its predictions. */
  readonly hash: string;
  readonly inputName: string;
  readonly outputName: string;
  readonly elemType: number;
  /** Rows per sample: 1 for [batch, features], the window for [batch, window, features]. */
  readonly window: number;
  readonly features: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly decoded: DecodedModel;
}

/** Reads and checks a model file's interface (no onnxruntime needed): one sentence for a missing or corrupt file. */
export function readModelInfo(path: string): ModelInfo {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `Model file ${path} does not exist: give the path of an .onnx file.` : `Cannot read model file ${path} (${code ?? 'unreadable'}).`, { exitCode: 1, code: 'RRR_MODEL_MISSING' });
  }
  let decoded: DecodedModel;
  try {
    decoded = decodeModel(bytes);
  } catch {
    throw new UserError(`Model file ${path} is not a valid ONNX model (it may be truncated or another kind of file): export it again.`, { exitCode: 1, code: 'RRR_MODEL_CORRUPT' });
  }
  if (decoded.inputs.length !== 1) {
    throw new UserError(`Model ${path} has ${decoded.inputs.length} inputs (${decoded.inputs.map((i) => i.name).join(', ')}): rrr feeds one input, [batch, features] or [batch, window, features].`, { exitCode: 1, code: 'RRR_MODEL_SHAPE' });
  }
  const input = decoded.inputs[0];
  const dims = input.dims;
  const features = dims[dims.length - 1];
  const window = dims.length === 3 ? dims[1] : 1;
  if ((dims.length !== 2 && dims.length !== 3) || typeof features !== 'number' || typeof window !== 'number') {
    throw new UserError(`Model ${path} takes input ${input.name} of shape [${dims.join(', ')}]: rrr feeds [batch, features] or [batch, window, features] with fixed features and window.`, { exitCode: 1, code: 'RRR_MODEL_SHAPE' });
  }
  if (input.elemType !== ElemType.FLOAT && input.elemType !== ElemType.DOUBLE) {
    throw new UserError(`Model ${path} takes input ${input.name} of element type ${input.elemType}: rrr feeds float or double tensors.`, { exitCode: 1, code: 'RRR_MODEL_SHAPE' });
  }
  return {
    path,
    hash: createHash('sha256').update(bytes).digest('hex'),
    inputName: input.name,
    outputName: decoded.outputs[0].name,
    elemType: input.elemType,
    window,
    features,
    metadata: decoded.metadata,
    decoded,
  };
}

/** The features a model declares in its metadata, when it was made by rrr (or carries rrr.features). */
export function modelFeatures(info: ModelInfo): string[] | undefined {
  const text = info.metadata['rrr.features'];
  if (text === undefined) return undefined;
  try {
    const list = JSON.parse(text) as unknown;
    return Array.isArray(list) ? list.map(String) : undefined;
  } catch {
    return undefined;
  }
}

/** Refuses, in one sentence, a model whose input does not match the strategy's features. */
export function checkModelFeatures(info: ModelInfo, names: readonly string[]): void {
  const declared = modelFeatures(info);
  if (declared && declared.join('\u0000') !== names.join('\u0000')) {
    throw new UserError(`Model ${info.path} was trained on features ${declared.join(', ')} but the strategy computes ${names.join(', ')}: use a model trained on the strategy's features.`, { exitCode: 1, code: 'RRR_MODEL_FEATURES' });
  }
  if (info.features !== names.length) {
    throw new UserError(`Model ${info.path} takes ${info.features} features per row (input ${info.inputName}) but the strategy computes ${names.length} (${names.join(', ')}): use a model with a matching input shape.`, { exitCode: 1, code: 'RRR_MODEL_SHAPE' });
  }
}

export interface OnnxSession {
  readonly info: ModelInfo;
  /** One prediction per bar (NaN where the model could not run): the model's output, or its last column. */
  predict(columns: readonly Float64Array[]): Promise<Float64Array>;
  close(): Promise<void>;
}

/**
 * Rows per session.run: enough that onnxruntime's cost per run vanishes (16,384 to 100,000 rows measured the
 * same), few enough that its intermediates stay small; a sequence model's rows hold a window each, so it runs
 * fewer of them at a time (at most CHUNK_VALUES inputs).
 */
const BATCH = 65_536;
const CHUNK_VALUES = 1 << 21;

/**
 * Fills `buffer` with the input rows of the usable bars from `from` on (bars whose window holds no NaN), at
 * most `capacity` of them, and lists them in `bars`. `run` is how many NaN-free bars end just before `from`.
 * Column-major features become row-major rows here, a chunk at a time: the whole input is never copied at
 * once (a fresh buffer of every row costs more in page faults than the model does to run).
 */
function fillChunk(columns: readonly Float64Array[], window: number, from: number, run: number, capacity: number, buffer: Float64Array | Float32Array, bars: Int32Array): { count: number; next: number; run: number } {
  if (window === 1) return fillRowChunk(columns, from, capacity, buffer, bars);
  const n = columns[0].length;
  const f = columns.length;
  let count = 0;
  let o = 0;
  let t = from;
  for (; t < n && count < capacity; t++) {
    // The bar's own row is written while it is checked (one read of each value); the rest of its window after.
    const last = o + (window - 1) * f;
    let ok = true;
    for (let j = 0; j < f; j++) {
      const v = columns[j][t];
      buffer[last + j] = v;
      if (v !== v) ok = false;
    }
    run = ok ? run + 1 : 0;
    if (run < window) continue;
    for (let s = t - window + 1; s < t; s++) for (let j = 0; j < f; j++) buffer[o++] = columns[j][s];
    o += f;
    bars[count++] = t;
  }
  return { count, next: t, run };
}

/** Bars a row model's input is copied for at a time, column by column (256 x 20 doubles stay in L1/L2). */
const BLOCK = 256;

/**
 * fillChunk for a window of one bar: the same rows, copied a block of bars at a time column by column (a fifth
 * faster than row by row: each column is read in sequence); a block holding a NaN then has its NaN rows
 * squeezed out. No run of earlier bars is needed, so `run` is 0.
 */
function fillRowChunk(columns: readonly Float64Array[], from: number, capacity: number, buffer: Float64Array | Float32Array, bars: Int32Array): { count: number; next: number; run: number } {
  const n = columns[0].length;
  const f = columns.length;
  let count = 0;
  let t = from;
  while (t < n && count < capacity) {
    const size = Math.min(BLOCK, n - t, capacity - count);
    const base = count * f;
    let nan = false;
    for (let j = 0; j < f; j++) {
      const c = columns[j];
      for (let k = 0, o = base + j; k < size; k++, o += f) {
        const v = c[t + k];
        buffer[o] = v;
        nan ||= v !== v;
      }
    }
    let kept = 0;
    for (let k = 0; k < size; k++) {
      const o = base + k * f;
      if (nan) {
        let ok = true;
        for (let j = 0; j < f; j++) if (buffer[o + j] !== buffer[o + j]) ok = false;
        if (!ok) continue;
        if (kept !== k) buffer.copyWithin(base + kept * f, o, o + f);
      }
      bars[count + kept++] = t + k;
    }
    count += kept;
    t += size;
  }
  return { count, next: t, run: 0 };
}

export async function openSession(path: string): Promise<OnnxSession> {
  const info = readModelInfo(path);
  const ort = await importOptional<Ort>('onnxruntime-node', 'running an ONNX model');
  let session: Awaited<ReturnType<Ort['InferenceSession']['create']>>;
  try {
    // Fatal only: onnxruntime's own error log would print a second, multi-line account of what we say in one sentence.
    session = await ort.InferenceSession.create(readFileSync(path), { logSeverityLevel: 4 });
  } catch (error) {
    const reason = String((error as Error).message).split('\n')[0].replace(/\.$/, '');
    throw new UserError(`onnxruntime cannot load model ${path}: ${reason}.`, { exitCode: 1, code: 'RRR_MODEL_CORRUPT', cause: error });
  }
  const double = info.elemType === ElemType.DOUBLE;
  const per = info.window * info.features;
  const rowsOnly = info.window === 1 && info.decoded.inputs[0].dims.length === 2;
  // Chunk buffers kept for the session's later calls (a backtest's sweep, a live runner's every bar); one per
  // call in flight, so concurrent predict() calls never share one.
  const spare: { input: Float64Array | Float32Array; bars: Int32Array }[] = [];
  return {
    info,
    async predict(columns) {
      if (columns.length !== info.features) {
        throw new UserError(`Model ${path} takes ${info.features} features per row (input ${info.inputName}) but was given ${columns.length}: use a model with a matching input shape.`, { exitCode: 1, code: 'RRR_MODEL_SHAPE' });
      }
      const n = columns[0]?.length ?? 0;
      const out = new Float64Array(n).fill(NaN);
      if (n === 0) return out;
      const capacity = Math.min(n, BATCH, Math.max(1, Math.floor(CHUNK_VALUES / per)));
      let chunk = spare.pop();
      if (!chunk || chunk.bars.length < capacity) chunk = { input: double ? new Float64Array(capacity * per) : new Float32Array(capacity * per), bars: new Int32Array(capacity) };
      try {
        for (let t = 0, run = 0; t < n; ) {
          const filled = fillChunk(columns, info.window, t, run, capacity, chunk.input, chunk.bars);
          ({ next: t, run } = filled);
          const count = filled.count;
          if (count === 0) continue;
          const dims = rowsOnly ? [count, info.features] : [count, info.window, info.features];
          const tensor = new ort.Tensor(double ? 'float64' : 'float32', chunk.input.subarray(0, count * per), dims);
          let result;
          try {
            result = await session.run({ [info.inputName]: tensor });
          } catch (error) {
            const reason = String((error as Error).message).split('\n')[0].replace(/\.$/, '');
            throw new UserError(`Model ${path} failed on the strategy's features: ${reason}.`, { exitCode: 1, code: 'RRR_MODEL_RUN' });
          }
          const y = result[info.outputName].data as ArrayLike<number>;
          const width = y.length / count;
          for (let k = 0; k < count; k++) out[chunk.bars[k]] = Number(y[k * width + width - 1]);
        }
      } finally {
        spare.push(chunk);
      }
      return out;
    },
    close: () => session.release(),
  };
}

/** A file's size and modification time: enough to notice a replaced model without hashing it again. */
export function fileStamp(path: string): string {
  try {
    const s = statSync(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/** The distinct buffers under some arrays: what a message moves (transfers) to another thread. */
export function buffersOf(columns: readonly Float64Array[]): ArrayBuffer[] {
  return [...new Set(columns.map((c) => c.buffer as ArrayBuffer))];
}
