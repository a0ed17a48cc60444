import type { Bars } from '../data/bars.js';
import type { Signals, SimOptions } from '../engine/types.js';
import { UserError } from '../errors.js';
import { resolveParams, type ParamSchema, type ParamValues } from './params.js';

/** What a strategy may know about the run besides the bars: how to annualize. */
export interface StrategyContext {
  periodsPerYear: number;
}

/**
 * One strategy definition, used unchanged by the backtester and the live runner. `signals` (single asset)
 * or `weights` (several assets, target fraction of equity per asset, NaN = keep) is vectorized: whole
 * columns in, whole columns out, and value t may only use bars 0..t.
 */
export interface Strategy<S extends ParamSchema = ParamSchema> {
  readonly name: string;
  readonly description?: string;
  readonly params: S;
  /** Number of assets the strategy trades (1 unless it defines `weights`). */
  readonly assets?: number;
  /** Cross-field check: true, or the sentence saying what is wrong. */
  readonly validate?: (p: ParamValues<S>) => true | string;
  /** Bars before the first signal can be trusted (the longest indicator window). */
  readonly warmup: (p: ParamValues<S>) => number;
  readonly signals?: (bars: Bars, p: ParamValues<S>, context: StrategyContext) => Signals;
  readonly weights?: (bars: readonly Bars[], p: ParamValues<S>, context: StrategyContext) => Float64Array[];
  /**
   * How `weights` are read: 'change' (default) trades a bar's weights only when they change a target, so
   * holdings drift while a target holds; 'every-weight' rebalances back to the targets at every bar that has
   * weights, changed or not (a periodic rebalancing to fixed weights).
   */
  readonly rebalanceOn?: 'change' | 'every-weight';
  /** Simulation settings the strategy implies (e.g. ATR stops); explicit user settings override them. */
  readonly simDefaults?: (p: ParamValues<S>, context: StrategyContext) => Partial<SimOptions>;
}

export type AnyStrategy = Strategy<any>;

const NAME = /^[a-z0-9][a-z0-9-]*$/i;

/** Checks a strategy's shape once, where it is defined, so mistakes surface with a clear sentence. */
export function defineStrategy<S extends ParamSchema>(strategy: Strategy<S>): Strategy<S> {
  const problem = strategyProblem(strategy);
  if (problem) throw new UserError(problem, { exitCode: 1, code: 'RRR_BAD_STRATEGY' });
  return Object.freeze({ ...strategy });
}

export function strategyProblem(s: unknown): string | undefined {
  const x = s as Partial<Strategy> | null;
  if (x === null || typeof x !== 'object') return 'A strategy must be an object made with defineStrategy({ name, params, warmup, signals }).';
  if (typeof x.name !== 'string' || !NAME.test(x.name)) return `A strategy needs a name of letters, digits and dashes (got ${JSON.stringify(x.name)}).`;
  if (typeof x.params !== 'object' || x.params === null) return `Strategy "${x.name}" needs a params object (it may be empty: params: {}).`;
  if (typeof x.warmup !== 'function') return `Strategy "${x.name}" needs warmup: (p) => number of bars.`;
  const hasSignals = typeof x.signals === 'function';
  const hasWeights = typeof x.weights === 'function';
  if (hasSignals === hasWeights) return `Strategy "${x.name}" needs exactly one of signals (single asset) or weights (several assets).`;
  if (hasWeights && !(Number.isInteger(x.assets) && (x.assets as number) >= 2)) return `Strategy "${x.name}" defines weights, so it needs assets: 2 or more.`;
  for (const [name, spec] of Object.entries(x.params)) {
    if ((spec.kind === 'int' || spec.kind === 'float') && !(spec.min <= spec.default && spec.default <= spec.max)) {
      return `Strategy "${x.name}": the default of ${name} (${spec.default}) is outside its range ${spec.min}..${spec.max}.`;
    }
  }
  return undefined;
}

/** Defaults, overrides and the strategy's own cross-field check, in one call. */
export function strategyParams<S extends ParamSchema>(strategy: Strategy<S>, given: Readonly<Record<string, unknown>> = {}): ParamValues<S> {
  const values = resolveParams(strategy.name, strategy.params, given);
  const verdict = strategy.validate?.(values) ?? true;
  if (verdict !== true) {
    const shown = Object.entries(values).map(([k, v]) => `${k}=${v}`).join(', ');
    throw new UserError(`${strategy.name}: ${verdict} (${shown}).`, { code: 'RRR_BAD_PARAM' });
  }
  return values;
}

export function assetCount(strategy: AnyStrategy): number {
  return strategy.assets ?? 1;
}
