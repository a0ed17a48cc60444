/**
 * Training and scoring of rrr's baseline models on raw feature rows: the normalisation is fitted on the
 * training rows only and travels with the model (and inside its ONNX graph).
 */
import type { Normalization } from '../features.js';
import { gbdtScore, trainGbdt, type GbdtOptions } from './gbdt.js';
import { linearScore, trainLogistic, trainRidge } from './linear.js';
import { mlpScore, trainMlp, type MlpOptions } from './mlp.js';
import type { Design, ModelKind, Task, TrainedModel } from './types.js';

export * from './types.js';

export interface TrainOptions {
  seed?: number;
  /** Ridge penalty (default 1) or logistic L2 (default 1e-4 x rows). */
  lambda?: number;
  mlp?: MlpOptions;
  gbdt?: GbdtOptions;
}

/** The task a model kind learns: ridge regresses the label; the others classify its sign. */
export function defaultTask(kind: ModelKind): Task {
  return kind === 'ridge' ? 'regression' : 'classification';
}

function standardize(x: ArrayLike<number>, rows: number, f: number, norm: Normalization): Float64Array {
  const out = new Float64Array(rows * f);
  const mean = Float64Array.from(norm.mean);
  const std = Float64Array.from(norm.std);
  // (x - mean) / std exactly as the exported graph's Sub and Div compute it.
  for (let i = 0, o = 0; i < rows; i++) for (let j = 0; j < f; j++, o++) out[o] = (x[o] - mean[j]) / std[j];
  return out;
}

/** fitNormalization's statistics (population deviation, 1 for a constant column), read from row-major rows. */
function rowNormalization(x: Float64Array, rows: number, f: number): Normalization {
  // Two passes (mean, then squared deviations): no division per element.
  const mean = new Float64Array(f);
  for (let i = 0, o = 0; i < rows; i++) for (let j = 0; j < f; j++) mean[j] += x[o++];
  for (let j = 0; j < f; j++) mean[j] /= rows;
  const m2 = new Float64Array(f);
  for (let i = 0, o = 0; i < rows; i++) {
    for (let j = 0; j < f; j++) {
      const d = x[o++] - mean[j];
      m2[j] += d * d;
    }
  }
  const std = Array.from(m2, (s) => (rows > 1 && s > 0 ? Math.sqrt(s / rows) : 1));
  return { mean: Array.from(mean), std };
}

/** Row-major raw features (rows x f, no NaN) and labels -> a trained model. */
export function trainModel(kind: ModelKind, x: Float64Array, y: ArrayLike<number>, rows: number, f: number, options: TrainOptions = {}, task = defaultTask(kind)): TrainedModel {
  const normalization = rowNormalization(x, rows, f);
  // Logistic regression standardises the raw rows as it reads them; the others take a standardised copy.
  if (kind === 'logistic') return { params: trainLogistic({ x, rows, features: f }, y, { l2: options.lambda, standardize: normalization }), task, normalization };
  const design: Design = { x: standardize(x, rows, f, normalization), rows, features: f };
  const params = kind === 'ridge' ? trainRidge(design, y, options.lambda ?? 1) : kind === 'mlp' ? trainMlp(design, y, task, { seed: options.seed, ...options.mlp }) : trainGbdt(design, y, task, options.gbdt);
  return { params, task, normalization };
}

/** Predictions on raw feature rows (probability of label > 0 for classification). */
export function scoreModel(model: TrainedModel, x: ArrayLike<number>, rows: number, f: number): Float64Array {
  const z = standardize(x, rows, f, model.normalization);
  const p = model.params;
  if (p.kind === 'mlp') return mlpScore(p, model.task, z, rows, f);
  if (p.kind === 'gbdt') return gbdtScore(p, model.task, z, rows, f);
  return linearScore(p, z, rows, f);
}
