import { rollingMax, rollingMin } from '../../indicators/index.js';
import { defineStrategy } from '../define.js';
import { float, int } from '../params.js';

/** x shifted one bar later: value t is x[t-1], so a channel excludes the bar being tested. */
function previous(x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  out[0] = NaN;
  out.set(x.subarray(0, x.length - 1), 1);
  return out;
}

export default defineStrategy({
  name: 'donchian-breakout',
  description: 'Turtle-style breakout: long when the close exceeds the highest high of the previous `entry` bars, out below the lowest low of the previous `exit` bars, with an ATR stop-loss; shorts mirror it.',
  params: {
    entry: int(20, { min: 2, max: 300, description: 'breakout channel (bars)' }),
    exit: int(10, { min: 2, max: 300, description: 'exit channel (bars)' }),
    atrPeriod: int(20, { min: 2, max: 100, description: 'ATR period of the stop' }),
    stopAtr: float(2, { min: 0.5, max: 10, step: 0.5, description: 'stop distance in ATRs' }),
  },
  validate: (p) => p.exit < p.entry || 'exit must be shorter than entry',
  warmup: (p) => Math.max(p.entry, p.exit, p.atrPeriod) + 1,
  signals: (bars, p) => {
    const n = bars.length;
    const upper = previous(rollingMax(bars.high, p.entry));
    const lower = previous(rollingMin(bars.low, p.entry));
    const exitLow = previous(rollingMin(bars.low, p.exit));
    const exitHigh = previous(rollingMax(bars.high, p.exit));
    const entries = new Uint8Array(n);
    const exits = new Uint8Array(n);
    const shortEntries = new Uint8Array(n);
    const shortExits = new Uint8Array(n);
    const c = bars.close;
    for (let i = 0; i < n; i++) {
      if (c[i] > upper[i]) entries[i] = 1;
      if (c[i] < exitLow[i]) exits[i] = 1;
      if (c[i] < lower[i]) shortEntries[i] = 1;
      if (c[i] > exitHigh[i]) shortExits[i] = 1;
    }
    return { entries, exits, shortEntries, shortExits };
  },
  simDefaults: (p) => ({ stopLoss: { kind: 'atr', multiple: p.stopAtr, period: p.atrPeriod } }),
});
