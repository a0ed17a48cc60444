import { ema } from '../../indicators/index.js';
import { defineStrategy } from '../define.js';
import { int } from '../params.js';
import { crossSignals } from '../signals.js';

export default defineStrategy({
  name: 'ema-cross',
  description: 'Long when the fast exponential moving average of the close crosses above the slow one; out when it crosses below.',
  params: {
    fast: int(12, { min: 2, max: 200, description: 'fast EMA period (bars)' }),
    slow: int(26, { min: 5, max: 500, description: 'slow EMA period (bars)' }),
  },
  validate: (p) => p.fast < p.slow || 'fast must be below slow',
  warmup: (p) => p.slow,
  signals: (bars, p) => crossSignals(ema(bars.close, p.fast), ema(bars.close, p.slow)),
});
