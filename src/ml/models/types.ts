import type { Normalization } from '../features.js';

export type ModelKind = 'logistic' | 'ridge' | 'mlp' | 'gbdt';
export const MODEL_KINDS: readonly ModelKind[] = ['logistic', 'ridge', 'mlp', 'gbdt'];

/** classification: the model outputs the probability that the label is > 0; regression: the label itself. */
export type Task = 'classification' | 'regression';

/** Rows of a training set, row-major (rows x features), already normalised. */
export interface Design {
  readonly x: Float64Array;
  readonly rows: number;
  readonly features: number;
}

export interface LinearParams {
  readonly kind: 'logistic' | 'ridge';
  readonly weights: readonly number[];
  readonly bias: number;
}

/** weights is row-major [inputs x outputs], as ONNX MatMul reads it. */
export interface DenseLayer {
  readonly inputs: number;
  readonly outputs: number;
  readonly weights: readonly number[];
  readonly bias: readonly number[];
}

export interface MlpParams {
  readonly kind: 'mlp';
  /** ReLU after every layer but the last. */
  readonly layers: readonly DenseLayer[];
}

/** One regression tree as flat node arrays (ONNX TreeEnsemble's layout): a leaf has feature -1. */
export interface Tree {
  readonly feature: readonly number[];
  /** Float32-representable, so rrr and an ONNX runtime reading a float attribute split at the same value. */
  readonly threshold: readonly number[];
  /** Row goes left when x[feature] <= threshold. */
  readonly left: readonly number[];
  readonly right: readonly number[];
  readonly value: readonly number[];
}

export interface GbdtParams {
  readonly kind: 'gbdt';
  readonly base: number;
  /** Leaf values already include the learning rate. */
  readonly trees: readonly Tree[];
}

export type ModelParams = LinearParams | MlpParams | GbdtParams;

/** A trained model: its parameters, task, and the normalisation frozen from its training rows. */
export interface TrainedModel {
  readonly params: ModelParams;
  readonly task: Task;
  readonly normalization: Normalization;
}
