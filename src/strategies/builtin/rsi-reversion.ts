import { crossoverLevel, crossunderLevel, rsi } from '../../indicators/index.js';
import { defineStrategy } from '../define.js';
import { float, int } from '../params.js';

export default defineStrategy({
  name: 'rsi-reversion',
  description: 'Mean reversion on RSI (Wilder): long when RSI crosses below the lower level, out when it crosses back above the exit level; shorts mirror it at the upper level.',
  params: {
    period: int(14, { min: 2, max: 100, description: 'RSI period' }),
    lower: float(30, { min: 1, max: 49, description: 'oversold level: long entry' }),
    upper: float(70, { min: 51, max: 99, description: 'overbought level: short entry' }),
    exit: float(50, { min: 1, max: 99, description: 'level that closes either side' }),
  },
  validate: (p) => (p.lower < p.exit && p.exit < p.upper) || 'lower < exit < upper is required',
  warmup: (p) => p.period + 1,
  signals: (bars, p) => {
    const r = rsi(bars.close, p.period);
    return {
      entries: crossunderLevel(r, p.lower),
      exits: crossoverLevel(r, p.exit),
      shortEntries: crossoverLevel(r, p.upper),
      shortExits: crossunderLevel(r, p.exit),
    };
  },
});
