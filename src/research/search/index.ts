/**
 * Parameter search as ask/tell (grid, random, TPE):
 *
 *   const study = createSampler(space, { method: 'tpe', seed: 42, direction: 'maximize', validate });
 *   for (let i = 0; i < 100; i++) { const t = study.ask(); if (!t) break; study.tell(t, objective(t.params)); }
 *   study.best();
 */
import { GridProposer } from './grid.js';
import { RandomProposer } from './random.js';
import { Study, type ParamCheck, type StudyOptions } from './study.js';
import { TpeProposer, type TpeOptions } from './tpe.js';
import type { SearchSpace } from './space.js';
import type { AnyStrategy } from '../../strategies/define.js';

export type SearchMethod = 'grid' | 'random' | 'tpe';
export const SEARCH_METHODS: readonly SearchMethod[] = ['grid', 'random', 'tpe'];

export interface SamplerOptions extends StudyOptions {
  method: SearchMethod;
  /** Seed of random and TPE (default 42); the same seed gives the same trials. */
  seed?: number;
  /** Run a grid above 1,000,000 trials (the CLI's --yes). */
  allowLarge?: boolean;
  /** TPE settings; the defaults are Optuna's. */
  tpe?: TpeOptions;
}

/** A study over `space` with the chosen method; see Study for ask/tell/prune/best. */
export function createSampler(space: SearchSpace, options: SamplerOptions): Study {
  const seed = options.seed ?? 42;
  const proposer =
    options.method === 'grid'
      ? new GridProposer(space, options.allowLarge)
      : options.method === 'random'
        ? new RandomProposer(space, seed)
        : options.method === 'tpe'
          ? new TpeProposer(space, seed, options.tpe)
          : undefined;
  if (!proposer) throw new RangeError(`method must be one of ${SEARCH_METHODS.join(', ')}, not ${String(options.method)}`);
  return new Study(space, proposer, options);
}

/** A strategy's own cross-check (e.g. fast < slow) as a ParamCheck for createSampler's `validate`. */
export function strategyCheck(strategy: AnyStrategy): ParamCheck | undefined {
  const validate = strategy.validate;
  if (!validate) return undefined;
  return (params) => validate(params);
}

export { Study, type Trial, type TrialRecord, type TrialState, type Direction, type ParamCheck, type StudyOptions, type StudyView, type Proposer } from './study.js';
export {
  spaceFromSchema,
  parseGridFlags,
  checkGridSize,
  gridSize,
  dimensionValues,
  dimensionFromSpec,
  MAX_GRID_TRIALS,
  type Dimension,
  type ParamValue,
  type SearchSpace,
} from './space.js';
export { GridProposer } from './grid.js';
export { RandomProposer } from './random.js';
export { TpeProposer, defaultGamma, splitTrials, type TpeOptions } from './tpe.js';
