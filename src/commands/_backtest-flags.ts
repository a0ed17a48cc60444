import { Flags } from '@oclif/core';
import { optionalTimeframeFlag, rangeFlags } from './_flags.js';
import type { BacktestJobOptions } from '../research/backtest-job.js';

/**
 * What a backtest is made of: the strategy, its data and every simulation and metric setting. `rrr backtest`,
 * `rrr optimize`, `rrr walkforward` and `rrr montecarlo` share these flags, so each accepts every setting
 * of the others and spells it the same way.
 */
export const backtestFlags = {
  strategy: Flags.string({ char: 'S', description: 'built-in strategy name, or the path of a .ts/.js file exporting one', required: true }),
  param: Flags.string({ char: 'p', description: 'strategy parameter NAME=VALUE (repeatable)', multiple: true }),
  symbol: Flags.string({ char: 's', description: 'stored symbol (repeat for multi-asset strategies)', multiple: true }),
  data: Flags.string({ description: 'read bars from this file instead of the store (repeatable)', multiple: true }),
  timeframe: optionalTimeframeFlag(),
  ...rangeFlags,
  cash: Flags.string({ description: 'starting cash', default: '10000', helpGroup: 'SIMULATION' }),
  fill: Flags.string({ description: 'fill price of a signal: next bar open, or the signal bar close', options: ['open', 'close'], default: 'open', helpGroup: 'SIMULATION' }),
  fees: Flags.string({ description: 'fee rate on notional per fill (0.001 = 0.1%)', default: '0', helpGroup: 'SIMULATION' }),
  'fixed-fee': Flags.string({ description: 'fixed fee per order, in cash', default: '0', helpGroup: 'SIMULATION' }),
  slippage: Flags.string({ description: 'slippage in basis points, adverse', default: '0', helpGroup: 'SIMULATION' }),
  direction: Flags.string({ description: 'which side to trade [default: long]', options: ['long', 'short', 'both'], helpGroup: 'SIMULATION' }),
  size: Flags.string({ description: 'sizing: equity fraction (1 = all, 50%), cash:AMOUNT, units:N, vol:ANNUAL_VOL[:LOOKBACK], kelly:FRACTION[:MIN_TRADES] [default: 1]', helpGroup: 'SIMULATION' }),
  'lot-size': Flags.string({ description: 'round units down to a multiple of this (1 = whole shares; 0 = fractional)', default: '0', helpGroup: 'SIMULATION' }),
  leverage: Flags.string({ description: 'maximum notional as a multiple of equity', default: '1', helpGroup: 'SIMULATION' }),
  'stop-loss': Flags.string({ description: 'stop-loss: fraction of the fill price (0.03, 3%) or ATR multiple (2atr, 2atr:20)', helpGroup: 'SIMULATION' }),
  'take-profit': Flags.string({ description: 'take-profit: fraction of the fill price or ATR multiple', helpGroup: 'SIMULATION' }),
  'trailing-stop': Flags.string({ description: 'trailing stop: fraction below the highest high since entry, or ATR multiple', helpGroup: 'SIMULATION' }),
  'max-hold': Flags.integer({ description: 'exit after this many bars', min: 1, helpGroup: 'SIMULATION' }),
  'target-first': Flags.boolean({ description: 'when stop and target are both inside one bar, assume the target came first (default: stop first)', helpGroup: 'SIMULATION' }),
  'close-at-end': Flags.boolean({ description: 'close a position still open after the last bar, with exit costs (default: mark it to the last close and report it apart)', helpGroup: 'SIMULATION' }),
  align: Flags.string({ description: 'multi-asset runs: keep only times every symbol has (intersection) or all times (union) [default: intersection]', options: ['union', 'intersection'], helpGroup: 'SIMULATION' }),
  'periods-per-year': Flags.string({ description: 'bars per year for annualizing [default: from the data\'s calendar: 252 for weekday daily bars, 365 days for 24/7 data]', helpGroup: 'METRICS' }),
  'risk-free': Flags.string({ description: 'annual risk-free rate for Sharpe and Sortino (0.04 = 4%)', default: '0', helpGroup: 'METRICS' }),
};

/** The job options those flags describe (everything but --out), parsed and checked the same way for every command. */
export async function backtestOptionsFromFlags(flags: Record<string, unknown>, db: string): Promise<BacktestJobOptions> {
  const { parseRange } = await import('../data/time.js');
  const { parseNumberFlag, parseStop } = await import('../engine/parse-options.js');
  const { parseParamFlags } = await import('../strategies/params.js');
  const text = flags as Record<string, string | undefined>;
  const n = (flag: string, accepted: string) => parseNumberFlag(flag, text[flag] as string, accepted);
  const stop = (flag: 'stop-loss' | 'take-profit' | 'trailing-stop') => (text[flag] === undefined ? undefined : parseStop(flag, text[flag] as string));
  return {
    strategy: text.strategy as string,
    params: parseParamFlags(flags.param as string[] | undefined),
    symbols: flags.symbol as string[] | undefined,
    files: flags.data as string[] | undefined,
    timeframe: text.timeframe,
    range: parseRange(text.from, text.to),
    db,
    size: text.size,
    sim: {
      cash: n('cash', 'an amount such as 10000'),
      fill: text.fill as 'open' | 'close',
      feeRate: n('fees', 'a fee rate such as 0.001'),
      fixedFee: n('fixed-fee', 'an amount of cash such as 1'),
      slippageBps: n('slippage', 'basis points such as 2'),
      direction: text.direction as 'long' | 'short' | 'both' | undefined,
      lotSize: n('lot-size', '0 (fractional) or a lot such as 1'),
      leverage: n('leverage', 'a multiple of equity such as 1 or 2'),
      stopLoss: stop('stop-loss'),
      takeProfit: stop('take-profit'),
      trailingStop: stop('trailing-stop'),
      maxHold: flags['max-hold'] as number | undefined,
      stopFirst: flags['target-first'] ? false : undefined,
      closeAtEnd: flags['close-at-end'] ? true : undefined,
    },
    align: text.align as 'union' | 'intersection' | undefined,
    periodsPerYear: text['periods-per-year'] === undefined ? undefined : n('periods-per-year', 'a number of bars per year such as 252'),
    riskFreeRate: n('risk-free', 'an annual rate such as 0.04'),
  };
}
