import { allocateBars, type Bars } from './bars.js';

/** mulberry32: the PRNG named by the standard benchmark, so any language reproduces the series bit for bit. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
