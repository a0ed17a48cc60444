import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/data/synthetic.js';
import {
  bootstrapInto,
  monteCarlo,
  optimalBlockLength,
  pathSeed,
  PathRng,
  stationaryBootstrapInto,
} from '../../src/research/montecarlo/index.js';

/** AR(1) x_t = phi x_{t-1} + e_t with standard normal e (Box-Muller on mulberry32), started stationary. */
function ar1(n: number, phi: number, seed: number): Float64Array {
  const rand = mulberry32(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const x = new Float64Array(n);
  x[0] = normal() / Math.sqrt(1 - phi * phi);
  for (let t = 1; t < n; t++) x[t] = phi * x[t - 1] + normal();
  return x;
}

function lag1(x: Float64Array): number {
  let mean = 0;
  for (const v of x) mean += v;
  mean /= x.length;
  let num = 0;
  let den = 0;
  for (let t = 0; t < x.length; t++) {
    const d = x[t] - mean;
    den += d * d;
    if (t > 0) num += d * (x[t - 1] - mean);
  }
  return num / den;
}

/** Mean lag-1 autocorrelation of `paths` resamples drawn by `draw`. */
function meanResampledLag1(x: Float64Array, paths: number, draw: (out: Float64Array, rng: PathRng) => void): number {
  const out = new Float64Array(x.length);
  const rng = new PathRng();
  let s = 0;
  for (let i = 0; i < paths; i++) {
    rng.reset(pathSeed(2024, i));
    draw(out, rng);
    s += lag1(out);
  }
  return s / paths;
}

describe('stationary block bootstrap (Politis & Romano 1994)', () => {
  const n = 10_000;
  const phi = 0.5;
  const x = ar1(n, phi, 17);

  it('the AR(1) sample has lag-1 autocorrelation near phi', () => {
    expect(Math.abs(lag1(x) - phi)).toBeLessThan(0.03);
  });

  it('automatic block length is near the AR(1) theoretical optimum', () => {
    // For AR(1), R(k) = s2 phi^|k| / (1 - phi^2): g = sum R(k) = s2 / (1 - phi)^2,
    // G = sum |k| R(k) = 2 s2 phi / ((1 - phi^2)(1 - phi)^2), so with D_SB = 2 g^2,
    // b* = (2 G^2 / D_SB)^(1/3) n^(1/3) = (G / g)^(2/3) n^(1/3) = (2 phi / (1 - phi^2))^(2/3) n^(1/3) = 26.1.
    const theory = Math.cbrt(((2 * phi) / (1 - phi * phi)) ** 2) * Math.cbrt(n);
    expect(theory).toBeCloseTo(26.1, 1);
    // One series' estimate scatters by about 10% at n = 10,000 (this one: 22.7); the mean of 20 series is
    // within 6%, close enough to tell the stationary-bootstrap constant D_SB = 2 g^2 from the circular-block
    // one (4/3) g^2, which would give 14.5% longer blocks.
    let sum = 0;
    for (let seed = 1; seed <= 20; seed++) sum += optimalBlockLength(ar1(n, phi, seed));
    expect(Math.abs(sum / 20 / theory - 1)).toBeLessThan(0.06);
    expect(Math.abs(optimalBlockLength(x) / theory - 1)).toBeLessThan(0.35);
  });

  it('white noise gets blocks of about one (the iid bootstrap), capped series stay in [1, b_max]', () => {
    const noise = ar1(n, 0, 99);
    expect(optimalBlockLength(noise)).toBeLessThan(3);
    // A random walk (phi near 1) hits the cap ceil(min(3 sqrt n, n / 3)) = 300.
    const walk = ar1(n, 0.999, 5);
    expect(optimalBlockLength(walk)).toBeLessThanOrEqual(300);
    expect(optimalBlockLength(new Float64Array(5))).toBe(1);
    expect(optimalBlockLength(new Float64Array(100))).toBe(1); // constant: no variance
  });

  it('keeps lag-1 autocorrelation within 0.1 while the iid bootstrap destroys it', () => {
    const b = optimalBlockLength(x);
    const block = meanResampledLag1(x, 20, (out, rng) => stationaryBootstrapInto(x, out, rng, b));
    const iid = meanResampledLag1(x, 20, (out, rng) => bootstrapInto(x, out, rng));
    expect(Math.abs(block - phi)).toBeLessThan(0.1);
    expect(Math.abs(iid)).toBeLessThan(0.02);
  });

  it('draws blocks of geometric length with the requested mean', () => {
    // Consecutive source indices continue a block; count how often the next value is not the successor.
    const idx = new Float64Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    const out = new Float64Array(200_000);
    const rng = new PathRng();
    rng.reset(12345);
    stationaryBootstrapInto(idx, out, rng, 8);
    let breaks = 0;
    for (let i = 1; i < out.length; i++) if (out[i] !== (out[i - 1] + 1) % n) breaks++;
    // A new block starts with probability 1/8 per step (a restart can land on the successor: 1/n, negligible).
    const expected = (out.length - 1) / 8;
    expect(Math.abs(breaks - expected)).toBeLessThan(5 * Math.sqrt(expected * (7 / 8)));
  });

  it('monteCarlo block reports the block length it used, or the one given', () => {
    const returns = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) returns[i] = 0.001 * x[i];
    const auto = monteCarlo({ returns, initialEquity: 1, method: 'block', runs: 50, seed: 1, bandPoints: 11 });
    expect(auto.settings.blockLength).toBe(optimalBlockLength(returns));
    const given = monteCarlo({ returns, initialEquity: 1, method: 'block', runs: 50, seed: 1, blockLength: 4, bandPoints: 11 });
    expect(given.settings.blockLength).toBe(4);
    expect(given.paths.finalReturn).not.toEqual(auto.paths.finalReturn);
    expect(monteCarlo({ returns, initialEquity: 1, method: 'returns', runs: 50, seed: 1 }).settings.blockLength).toBeNull();
  });
});
