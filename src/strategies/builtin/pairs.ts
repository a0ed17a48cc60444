import { defineStrategy } from '../define.js';
import { float, int } from '../params.js';

/**
 * Rolling OLS hedge ratio of y on x and the z-score of the spread y - beta x over the same window, using
 * bars t-window+1..t only. Written as one pass of running sums.
 */
function spreadZ(y: Float64Array, x: Float64Array, window: number): { z: Float64Array; beta: Float64Array } {
  const n = y.length;
  const z = new Float64Array(n).fill(NaN);
  const beta = new Float64Array(n).fill(NaN);
  for (let t = window - 1; t < n; t++) {
    let sx = 0, sy = 0, sxx = 0, sxy = 0, ok = true;
    for (let i = t - window + 1; i <= t; i++) {
      const xi = x[i], yi = y[i];
      if (!(Number.isFinite(xi) && Number.isFinite(yi))) { ok = false; break; }
      sx += xi; sy += yi; sxx += xi * xi; sxy += xi * yi;
    }
    if (!ok) continue;
    const varX = sxx - (sx * sx) / window;
    if (!(varX > 0)) continue;
    const b = (sxy - (sx * sy) / window) / varX;
    const a = (sy - b * sx) / window;
    let ss = 0;
    for (let i = t - window + 1; i <= t; i++) {
      const e = y[i] - a - b * x[i];
      ss += e * e;
    }
    const sd = Math.sqrt(ss / window);
    beta[t] = b;
    z[t] = sd > 0 ? (y[t] - a - b * x[t]) / sd : 0;
  }
  return { z, beta };
}

export default defineStrategy({
  name: 'pairs',
  description: 'Pairs trading on two assets: the z-score of the log-price spread (rolling OLS hedge ratio); short the spread above +entryZ, long below -entryZ, flat inside exitZ. Both legs, half the equity gross each side scaled by the hedge ratio.',
  assets: 2,
  params: {
    window: int(60, { min: 10, max: 1000, description: 'regression and z-score window (bars)' }),
    entryZ: float(2, { min: 0.5, max: 5, step: 0.25, description: '|z| that opens a position' }),
    exitZ: float(0.5, { min: 0, max: 4, step: 0.25, description: '|z| that closes it' }),
  },
  validate: (p) => p.exitZ < p.entryZ || 'exitZ must be below entryZ',
  warmup: (p) => p.window,
  weights: (bars, p) => {
    const [first, second] = bars;
    const n = first.length;
    const logY = first.close.map(Math.log);
    const logX = second.close.map(Math.log);
    const { z, beta } = spreadZ(logY, logX, p.window);
    const wY = new Float64Array(n).fill(NaN);
    const wX = new Float64Array(n).fill(NaN);
    let state = 0; // +1 long spread (long first, short second), -1 short spread
    for (let t = 0; t < n; t++) {
      const zt = z[t];
      if (Number.isNaN(zt)) continue;
      let next = state;
      if (state === 0 && zt >= p.entryZ) next = -1;
      else if (state === 0 && zt <= -p.entryZ) next = 1;
      else if (state !== 0 && Math.abs(zt) <= p.exitZ) next = 0;
      else if (state === 1 && zt >= p.entryZ) next = -1;
      else if (state === -1 && zt <= -p.entryZ) next = 1;
      if (next !== state) {
        // Gross exposure 1: the hedge ratio splits it between the legs.
        const b = beta[t];
        const gross = 1 + Math.abs(b);
        wY[t] = next / gross;
        wX[t] = (-next * b) / gross;
        state = next;
      }
    }
    return [wY, wX];
  },
});
