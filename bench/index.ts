/**
 * Benchmarks, each checking its output before timing it. `npm run bench` runs each group in its own process
 * (a process that has just run DuckDB times the engine 20-50% slower).
 */
import { backtestBenchmarks } from './backtest.bench.js';
import { dataBenchmarks } from './data.bench.js';
import { liveBenchmarks } from './live.bench.js';
import { mlBenchmarks } from './ml.bench.js';
import { monteCarloBenchmarks } from './montecarlo.bench.js';
import { portfolioOptimizeBenchmarks } from './portfolio-optimize.bench.js';
import { portfolioBenchmarks } from './portfolio.bench.js';
import { reportBenchmarks } from './report.bench.js';
import { riskBenchmarks } from './risk.bench.js';
import { sweepBenchmarks } from './sweep.bench.js';

const only = process.argv[2];
if (!only || only === 'data') await dataBenchmarks();
if (!only || only === 'backtest') await backtestBenchmarks();
if (!only || only === 'sweep') await sweepBenchmarks();
if (!only || only === 'montecarlo') await monteCarloBenchmarks();
if (!only || only === 'portfolio') {
  await portfolioOptimizeBenchmarks();
  await portfolioBenchmarks();
}
if (!only || only === 'risk') await riskBenchmarks();
if (!only || only === 'report') await reportBenchmarks();
if (!only || only === 'live') await liveBenchmarks();
if (!only || only === 'ml') await mlBenchmarks();
