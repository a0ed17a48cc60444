import { allocateBars, type Bars } from './bars.js';
import { Mulberry32 } from '../stats/mulberry32.js';

/** mulberry32 (src/stats/mulberry32.ts) as a function: the PRNG named by the standard benchmark. */
export function mulberry32(seed: number): () => number {
  const rng = new Mulberry32(seed);
  return () => rng.next();
}

const BENCHMARK_START_MS = Date.UTC(2000, 0, 1);

/**
 * The standard benchmark series (../shared/BENCHMARK.md): a random walk with drift drawn from
 * mulberry32(seed), four uniforms per bar in the order u_c, u_h, u_l, u_v, on 1-minute bars from 2000-01-01Z.
 */
export function benchmarkBars(n: number, seed = 42): Bars {
  const rand = mulberry32(seed);
  const bars = allocateBars(n, { symbol: 'BENCH', timeframe: '1m' });
  let prev = 100;
  for (let i = 0; i < n; i++) {
    const uc = rand();
    const uh = rand();
    const ul = rand();
    const uv = rand();
    const close = prev * (1 + 0.01 * (uc - 0.5) + 4.1667e-6);
    const open = prev;
    bars.time[i] = BENCHMARK_START_MS + i * 60_000;
    bars.open[i] = open;
    bars.close[i] = close;
    bars.high[i] = Math.max(open, close) * (1 + 0.002 * uh);
    bars.low[i] = Math.min(open, close) * (1 - 0.002 * ul);
    bars.volume[i] = Math.floor(1000 + 9000 * uv);
    prev = close;
  }
  return bars;
}
