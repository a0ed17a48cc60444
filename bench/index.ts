/** npm run bench [data|backtest]: every benchmark, each checking its output before timing it. */
import { backtestBenchmarks } from './backtest.bench.js';
import { dataBenchmarks } from './data.bench.js';

const only = process.argv[2];
if (!only || only === 'data') await dataBenchmarks();
if (!only || only === 'backtest') await backtestBenchmarks();
