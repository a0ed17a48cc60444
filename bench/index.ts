/** npm run bench: every benchmark, each checking its output before timing it. */
import { dataBenchmarks } from './data.bench.js';

const only = process.argv[2];
if (!only || only === 'data') await dataBenchmarks();
