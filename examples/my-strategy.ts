/**
 * A user strategy, exactly as the README shows it: run it with
 *   npx rrr backtest --strategy examples/my-strategy.ts --symbol DEMO-C --timeframe 1d
 * or, with rrr installed globally, copy it to any folder and run `rrr backtest --strategy ./my-strategy.ts ...`:
 * rrr resolves 'rrr-backtest' to itself, so the folder needs no package.json or node_modules.
 */
import { crossSignals, defineStrategy, int, sma } from 'rrr-backtest';

export default defineStrategy({
  name: 'my-cross',
  params: { fast: int(10, { min: 2, max: 200 }), slow: int(50, { min: 5, max: 500 }) },
  validate: (p) => p.fast < p.slow || 'fast must be below slow',
  warmup: (p) => p.slow,
  signals: (bars, p) => crossSignals(sma(bars.close, p.fast), sma(bars.close, p.slow)),
});
