import { sma } from '../../indicators/index.js';
import { defineStrategy } from '../define.js';
import { int } from '../params.js';
import { crossSignals } from '../signals.js';

export default defineStrategy({
  name: 'sma-cross',
  description: 'Long when the fast simple moving average of the close crosses above the slow one; out when it crosses below.',
  params: {
    fast: int(10, { min: 2, max: 200, description: 'fast SMA window (bars)' }),
    slow: int(50, { min: 5, max: 500, description: 'slow SMA window (bars)' }),
  },
  validate: (p) => p.fast < p.slow || 'fast must be below slow',
  warmup: (p) => p.slow,
  signals: (bars, p) => crossSignals(sma(bars.close, p.fast), sma(bars.close, p.slow)),
});
