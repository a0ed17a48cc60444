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

/** Input tensor data for every usable bar: `rows` lists the bars (those with no NaN in their window). */
export function inputRows(info: ModelInfo, columns: readonly Float64Array[]): { rows: Int32Array; data: Float64Array | Float32Array } {
  const n = columns[0]?.length ?? 0;
  const f = columns.length;
  const w = info.window;
  const bad = new Uint8Array(n);
  for (const c of columns) for (let t = 0; t < n; t++) if (Number.isNaN(c[t])) bad[t] = 1;
  const all = new Int32Array(n);
  let count = 0;
  let run = 0;
  for (let t = 0; t < n; t++) {
    run = bad[t] ? 0 : run + 1;
    if (run >= w) all[count++] = t;
  }
  const rows = all.slice(0, count);
  const data = info.elemType === ElemType.DOUBLE ? new Float64Array(count * w * f) : new Float32Array(count * w * f);
  // Row by row with every column read in step: sequential writes and f sequential read streams.
  let o = 0;
  for (let k = 0; k < count; k++) {
    const t = rows[k];
    for (let s = t - w + 1; s <= t; s++) for (let j = 0; j < f; j++) data[o++] = columns[j][s];
  }
  return { rows, data };
}

export interface OnnxSession {
  readonly info: ModelInfo;
  /** One prediction per bar (NaN where the model could not run): the model's output, or its last column. */
  predict(columns: readonly Float64Array[]): Promise<Float64Array>;
  close(): Promise<void>;
}

const BATCH = 65_536;

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
  return {
    info,
    async predict(columns) {
      if (columns.length !== info.features) {
        throw new UserError(`Model ${path} takes ${info.features} features per row (input ${info.inputName}) but was given ${columns.length}: use a model with a matching input shape.`, { exitCode: 1, code: 'RRR_MODEL_SHAPE' });
      }
      const n = columns[0]?.length ?? 0;
      const out = new Float64Array(n).fill(NaN);
      const { rows, data } = inputRows(info, columns);
      const per = info.window * info.features;
      for (let start = 0; start < rows.length; start += BATCH) {
        const count = Math.min(BATCH, rows.length - start);
        const slice = data.subarray(start * per, (start + count) * per);
        const dims = info.window === 1 && info.decoded.inputs[0].dims.length === 2 ? [count, info.features] : [count, info.window, info.features];
        const tensor = new ort.Tensor(info.elemType === ElemType.DOUBLE ? 'float64' : 'float32', slice, dims);
        let result;
        try {
          result = await session.run({ [info.inputName]: tensor });
        } catch (error) {
          const reason = String((error as Error).message).split('\n')[0].replace(/\.$/, '');
          throw new UserError(`Model ${path} failed on the strategy's features: ${reason}.`, { exitCode: 1, code: 'RRR_MODEL_RUN' });
        }
        const y = result[info.outputName].data as ArrayLike<number>;
        const width = y.length / count;
        for (let k = 0; k < count; k++) out[rows[start + k]] = Number(y[k * width + width - 1]);
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
