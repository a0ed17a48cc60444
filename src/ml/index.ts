/**
 * rrr's machine-learning pieces, for strategy files and notebooks (`import ... from 'rrr-backtest'`).
 * Nothing here loads onnxruntime at import time: inference imports it through optional.ts when first used.
 */
export { featurePipeline, parseFeature, computeFeatures, latestFeatures, toMatrix, fitNormalization, normalize } from './features.js';
export type { FeatureDef, FeaturePipeline, Normalization } from './features.js';
export { parseLabels, computeLabels, forwardReturn, tripleBarrier, labelName } from './labels.js';
export type { LabelSpec, LabelColumn } from './labels.js';
export { accuracy, auc, informationCoefficient } from './metrics.js';
export { trainModel, scoreModel, defaultTask, MODEL_KINDS } from './models/index.js';
export type { ModelKind, Task, TrainedModel, ModelParams, TrainOptions } from './models/index.js';
export { exportOnnx } from './onnx/export.js';
export { encodeModel, decodeModel } from './onnx/proto.js';
export type { ModelSpec, GraphSpec, NodeSpec, TensorSpec, ValueSpec, DecodedModel } from './onnx/proto.js';
export { openSession, readModelInfo, checkModelFeatures, modelFeatures } from './inference.js';
export type { OnnxSession, ModelInfo } from './inference.js';
export { predictModel, predictionCacheStats, clearPredictionCache, inSampleBars } from './predict.js';
export { defineModelStrategy, strategyFeatures } from './strategy.js';
export type { ModelStrategy } from './strategy.js';
export { populationStabilityIndex, kolmogorovSmirnov, effectiveSize, featureDrift, featureProfile, checkModelAge } from './drift.js';
export type { DriftReport, FeatureDrift, DriftThresholds, FeatureProfile } from './drift.js';

export { buildDataset, writeDataset, readDataset } from './dataset.js';
export type { Dataset, LoadedDataset } from './dataset.js';
export { trainOnDataset, labelHorizon } from './train.js';
export type { TrainingResult, WindowScore } from './train.js';
