import { Flags } from '@oclif/core';
import { parseRiskConfig, type RiskConfig, type RiskFlagText } from '../live/risk-config.js';

/**
 * The risk guard's limits, shared by `rrr paper` and `rrr live` (spread `...riskFlags` into their flags).
 * Every limit is off unless given; values are parsed by riskConfigFromFlags with one-sentence errors.
 */
export const riskFlags = {
  'max-position': Flags.string({ description: 'largest absolute position, in base units (e.g. 0.5)', helpGroup: 'RISK' }),
  'max-position-notional': Flags.string({ description: 'largest absolute position value at the last price, in quote currency (e.g. 50000)', helpGroup: 'RISK' }),
  'max-order-notional': Flags.string({ description: 'largest value of one entry order, in quote currency (e.g. 10000)', helpGroup: 'RISK' }),
  'max-orders-per-minute': Flags.string({ description: 'most orders in any 60 seconds (exits are never refused by it)', helpGroup: 'RISK' }),
  'daily-loss-limit': Flags.string({ description: "loss since 00:00 UTC that allows only exits until the next UTC day: cash (500) or % of the day's starting equity (5%)", helpGroup: 'RISK' }),
  'max-drawdown': Flags.string({ description: 'drawdown from peak equity that halts the run, cancels its orders and flattens it (20%)', helpGroup: 'RISK' }),
  cooldown: Flags.string({ description: 'no new entry after a stop-loss fill for N bars (3 or 3b) or a duration (30m, 4h)', helpGroup: 'RISK' }),
  'max-stops': Flags.string({ description: 'no new entry while N stop-losses filled within a period: N/PERIOD (3/1d, 2/50 bars)', helpGroup: 'RISK' }),
  'max-model-age': Flags.string({ description: "refuse a model the strategy runs that is older than this (by its rrr.createdAt, on the wall clock): 30d, 12h", helpGroup: 'MODEL' }),
  'drift-window': Flags.string({ description: "recent bars whose features are compared with a model's training data (default 250)", helpGroup: 'MODEL' }),
  'drift-psi': Flags.string({ description: 'a feature drifts when its population stability index exceeds this and its KS p-value is below --drift-ks-p (default 0.25)', helpGroup: 'MODEL' }),
  'drift-ks-p': Flags.string({ description: 'a feature drifts when its Kolmogorov-Smirnov p-value (counting an autocorrelated window as fewer values) is below this and its PSI exceeds --drift-psi (default 0.01)', helpGroup: 'MODEL' }),
  'on-drift': Flags.string({ description: 'warn: journal it and show it in rrr status (default); halt: also no new entries while a feature drifts', helpGroup: 'MODEL' }),
};

/** The RiskConfig those flags describe; a UserError (exit 2) naming the flag for a bad value. */
export function riskConfigFromFlags(flags: Record<string, unknown>): RiskConfig {
  const text: Record<string, string> = {};
  for (const name of Object.keys(riskFlags)) if (typeof flags[name] === 'string') text[name] = flags[name] as string;
  return parseRiskConfig(text as RiskFlagText);
}
