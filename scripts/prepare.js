// npm's `prepare`: a clean build of dist/ after `npm ci` / `npm install` (and before `npm pack`).
// `npx rrr` in a clone also runs it: npm exec installs the clone into its cache as a file: dependency
// because the clone's own package.json names the `rrr` bin, and installing a directory runs its prepare.
// There the build is already done, and rebuilding would pull dist/ out from under any rrr running from this
// checkout (the test suite's CLI tests, for one), so a built checkout is left as it is.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';

if (process.env.npm_command === 'exec' && existsSync('oclif.manifest.json') && existsSync('dist/index.js')) process.exit(0);
rmSync('dist', { recursive: true, force: true });
const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
process.exit(build.status ?? 1);
