/**
 * A user strategy, exactly as the README shows it: run it with
 *   npx rrr backtest --strategy examples/my-strategy.ts --symbol DEMO-C --timeframe 1d
 * Inside this repository (or any project that has rrr installed) 'rrr' resolves to the library.
 */
import { crossSignals, defineStrategy, int, sma } from 'rrr';

export default defineStrategy({
  name: 'my-cross',
  params: { fast: int(10, { min: 2, max: 200 }), slow: int(50, { min: 5, max: 500 }) },
  validate: (p) => p.fast < p.slow || 'fast must be below slow',
  warmup: (p) => p.slow,
  signals: (bars, p) => crossSignals(sma(bars.close, p.fast), sma(bars.close, p.slow)),
});
