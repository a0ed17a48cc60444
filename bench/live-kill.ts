/**
 * The 100-kill run: a paper run SIGKILLed 100 times at seeded random moments and resumed each time must
 * end with the journal of an uninterrupted run. `npm run bench:kill` (about a minute and a half here).
 */
import { killAndResume } from '../test/helpers/kill.js';

const kills = Number(process.argv[2] ?? 100);
const t0 = performance.now();
// Six years of bars at 100 bars a second: enough for 100 kills before the run ends.
const r = await killAndResume(kills, 100, { from: '2019-01-01', to: '2025-01-01', speed: 100 });
const same = r.got.length === r.expected.length && r.got.every((line, i) => line === r.expected[i]);
console.log(`${r.kills} kills, ${r.resumes} resumes, ${r.got.length} journal entries: ${same ? 'identical to the uninterrupted run' : 'DIFFERENT from the uninterrupted run'} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
if (!same || r.kills !== kills) process.exitCode = 1;
