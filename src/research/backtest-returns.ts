/** A backtest's results as returns: what Monte Carlo resamples and what risk analyses. */
import type { BacktestResult } from '../strategies/backtest.js';

/**
 * Closed trades as returns on equity, in the order of the trade log: a trade's return is its profit (fees
 * included) over the equity just before its entry (compound) or over the starting cash (fixed), so walking
 * them in their own order gives the backtest's equity after its last closed trade (exactly for one position
 * at a time; overlapping trades of several assets are treated as if they followed one another).
 */
export function tradeReturns(backtest: BacktestResult, sizing: 'compound' | 'fixed'): Float64Array {
  const { trades, equity } = backtest.result;
  const cash = backtest.result.options.cash;
  const out: number[] = [];
  for (let i = 0; i < trades.count; i++) {
    if (trades.isOpen[i]) continue;
    const entry = trades.entryBar[i];
    const base = sizing === 'fixed' ? cash : entry > 0 ? equity[entry - 1] : cash;
    out.push(trades.pnl[i] / base);
  }
  return Float64Array.from(out);
}

/**
 * The backtest's per-bar returns, equity[t] / equity[t - 1] - 1 for t >= 1, as its metrics compute them: they
 * compound from equity[0] (the starting cash, unless the strategy filled on the first bar) to the final equity.
 */
export function barReturns(backtest: BacktestResult): Float64Array {
  const { equity } = backtest.result;
  const out = new Float64Array(Math.max(0, equity.length - 1));
  for (let t = 1; t < equity.length; t++) out[t - 1] = equity[t] / equity[t - 1] - 1;
  return out;
}
