import { macd } from '../../indicators/index.js';
import { defineStrategy } from '../define.js';
import { int } from '../params.js';
import { crossSignals } from '../signals.js';

export default defineStrategy({
  name: 'macd-cross',
  description: 'Long when the MACD line crosses above its signal line; out when it crosses below.',
  params: {
    fast: int(12, { min: 2, max: 100, description: 'fast EMA period' }),
    slow: int(26, { min: 3, max: 300, description: 'slow EMA period' }),
    signal: int(9, { min: 2, max: 100, description: 'signal EMA period' }),
  },
  validate: (p) => p.fast < p.slow || 'fast must be below slow',
  warmup: (p) => p.slow + p.signal - 1,
  signals: (bars, p) => {
    const m = macd(bars.close, p.fast, p.slow, p.signal);
    return crossSignals(m.macd, m.signal);
  },
});
