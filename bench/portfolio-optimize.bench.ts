/**
 * Portfolio optimizers (issue 14): max-Sharpe on 100 assets with 1,000 days of returns, target under 100 ms,
 * timed with the covariance estimate (Ledoit-Wolf) and without. Returns are seeded synthetic factor
 * returns: 3 factors plus idiosyncratic noise, r_it = alpha_i + sum_f beta_if F_ft + e_it.
 */
import { mulberry32 } from '../src/data/synthetic.js';
import { estimateCovariance, optimizePortfolio, type ReturnsWindow } from '../src/portfolio/index.js';
import { matVec } from '../src/portfolio/linalg.js';
import { check, measure, report, type Measurement } from './harness.js';

const ASSETS = 100;
const DAYS = 1_000;

/** Standard normal draws from mulberry32 by Box-Muller. */
function normals(seed: number): () => number {
  const rand = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

export function factorReturns(assets = ASSETS, days = DAYS, seed = 42): ReturnsWindow {
  const z = normals(seed);
  const factors = Array.from({ length: 3 }, () => Float64Array.from({ length: days }, () => 0.01 * z()));
  const columns = Array.from({ length: assets }, () => {
    const alpha = 0.0004 * z();
    const betas = [1 + 0.3 * z(), 0.5 * z(), 0.5 * z()];
    const vol = 0.01 + 0.01 * Math.abs(z());
    return Float64Array.from({ length: days }, (_, t) => alpha + betas[0] * factors[0][t] + betas[1] * factors[1][t] + betas[2] * factors[2][t] + vol * z());
  });
  return { assets: columns.map((_, i) => `S${i}`), columns };
}

export async function portfolioOptimizeBenchmarks(): Promise<Measurement[]> {
  const window = factorReturns();
  const est = estimateCovariance(window, 'ledoit-wolf');
  const input = { assets: window.assets, mean: est.mean, cov: est.cov };
  const run = (constraints?: { longOnly?: boolean; maxWeight?: number; leverage?: number; minWeight?: number }) => optimizePortfolio('max-sharpe', { ...input, constraints });

  // Check first: long-only weights sum to 1, no asset short, and the first-order condition of the tangency
  // portfolio holds on the assets held strictly inside their bounds: (S w)_i / (mu_i) is one constant.
  const r = run();
  check(Math.abs(r.weights.reduce((a, b) => a + b) - 1) < 1e-9 && r.weights.every((w) => w > -1e-12), 'long-only max-Sharpe weights are a portfolio');
  const sw = matVec(est.cov, r.weights);
  const ratios = [...r.weights.keys()].filter((i) => r.weights[i] > 1e-6).map((i) => sw[i] / est.mean[i]);
  check(ratios.length > 2 && Math.max(...ratios) - Math.min(...ratios) < 1e-6 * Math.abs(ratios[0]), `tangency condition on held assets (${ratios.length} held)`);

  // CPU time of this process per solve, beside the wall-clock median: on a shared machine (the figures in the
  // closing note came from 2 cores shared by 8 agents) wall time counts the time spent waiting for a core.
  const cpu0 = process.cpuUsage();
  for (let k = 0; k < 11; k++) run();
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / 11;
  const rows: Measurement[] = [];
  rows.push(await measure(`max-sharpe, ${ASSETS} assets, long-only (target < 100 ms)`, () => run(), { runs: 11, warmup: 2, note: `${ratios.length} assets held; CPU ${cpuMs.toFixed(1)} ms per solve` }));
  rows.push(await measure(`  the same with the Ledoit-Wolf estimate of ${DAYS} days`, () => optimizePortfolio('max-sharpe', { ...input, ...estimateCovariance(window, 'ledoit-wolf') }), { runs: 11, warmup: 2 }));
  rows.push(await measure(`max-sharpe, ${ASSETS} assets, --max-weight 0.05`, () => run({ maxWeight: 0.05 }), { runs: 11, warmup: 2 }));
  rows.push(await measure(`max-sharpe, ${ASSETS} assets, long-short, leverage 1.6`, () => run({ longOnly: false, leverage: 1.6 }), { runs: 5, warmup: 1 }));
  rows.push(await measure(`min-variance, ${ASSETS} assets, long-only`, () => optimizePortfolio('min-variance', input), { runs: 11, warmup: 2 }));
  rows.push(await measure(`risk-parity, ${ASSETS} assets`, () => optimizePortfolio('risk-parity', input), { runs: 11, warmup: 2 }));
  rows.push(await measure(`hrp, ${ASSETS} assets`, () => optimizePortfolio('hrp', input), { runs: 11, warmup: 2 }));
  report(`Portfolio optimizers, ${ASSETS} assets x ${DAYS} days of synthetic factor returns`, rows);
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) await portfolioOptimizeBenchmarks();
