// Writes oclif.manifest.json, the command list `rrr` reads at startup instead of importing every command.
// Run through here rather than as `oclif manifest` in package.json so that the oclif CLI neither asks the
// registry for a newer oclif nor prints "oclif update available" during every `npm ci` and build.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const oclif = createRequire(import.meta.url).resolve('oclif/bin/run.js');
const result = spawnSync(process.execPath, [oclif, 'manifest'], {
  stdio: 'inherit',
  env: { ...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true' },
});
process.exit(result.status ?? 1);
