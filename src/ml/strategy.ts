import { defineStrategy, type AnyStrategy, type Strategy } from '../strategies/define.js';
import type { ParamSchema } from '../strategies/params.js';
import type { FeaturePipeline } from './features.js';

/** A strategy that declares the features its model reads, so `rrr ml dataset` computes exactly those. */
export interface ModelStrategy<S extends ParamSchema = ParamSchema> extends Strategy<S> {
  readonly features: FeaturePipeline;
}

export function defineModelStrategy<S extends ParamSchema>(strategy: ModelStrategy<S>): ModelStrategy<S> {
  // defineStrategy copies every own property, features included.
  return defineStrategy(strategy) as ModelStrategy<S>;
}

/** The feature pipeline a strategy declares, if any. */
export function strategyFeatures(strategy: AnyStrategy): FeaturePipeline | undefined {
  const features = (strategy as Partial<ModelStrategy>).features;
  return features && Array.isArray(features.names) && Array.isArray(features.defs) ? features : undefined;
}
