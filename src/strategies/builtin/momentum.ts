import { roc } from '../../indicators/index.js';
import { defineStrategy } from '../define.js';
import { float, int } from '../params.js';
import { onsets } from '../signals.js';

export default defineStrategy({
  name: 'momentum',
  description: 'Time-series momentum: long while the return over `lookback` bars is positive (short while negative, with --direction both), sized to a target annual volatility.',
  params: {
    lookback: int(90, { min: 2, max: 1000, description: 'momentum lookback (bars)' }),
    targetVol: float(0.2, { min: 0.01, max: 2, description: 'target annualized volatility (0.2 = 20%)' }),
    volLookback: int(30, { min: 2, max: 500, description: 'bars of returns for the realized volatility' }),
  },
  warmup: (p) => Math.max(p.lookback, p.volLookback) + 1,
  signals: (bars, p) => {
    const r = roc(bars.close, p.lookback);
    const n = bars.length;
    const up = (i: number) => r[i] > 0;
    const down = (i: number) => r[i] < 0;
    const notUp = (i: number) => !(r[i] > 0) && !Number.isNaN(r[i]);
    const notDown = (i: number) => !(r[i] < 0) && !Number.isNaN(r[i]);
    return { entries: onsets(up, n), exits: onsets(notUp, n), shortEntries: onsets(down, n), shortExits: onsets(notDown, n) };
  },
  simDefaults: (p, context) => ({ size: { kind: 'vol-target', annualVol: p.targetVol, lookback: p.volLookback, periodsPerYear: context.periodsPerYear } }),
});
