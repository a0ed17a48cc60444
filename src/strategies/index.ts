/** Strategy contract and built-ins, listed by name. */
export { defineStrategy, strategyParams, strategyProblem, assetCount } from './define.js';
export type { Strategy, AnyStrategy, StrategyContext } from './define.js';
export { int, float, choice, bool, resolveParams, parseParamFlags, parseParamValue } from './params.js';
export type { ParamSpec, ParamSchema, ParamValues } from './params.js';
export { crossSignals, onsets } from './signals.js';
export { BUILTIN_STRATEGIES, builtinStrategy, resolveStrategy } from './registry.js';
