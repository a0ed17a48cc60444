import { spawnSync } from 'node:child_process';

/**
 * The CLI tests run the built executable: compile it once so they never test stale output. Type errors
 * are left to `npm run build` / `npm run typecheck`; tsc still emits, and the tests then say what breaks.
 */
export default function setup(): void {
  spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'ignore' });
  const manifest = spawnSync(process.execPath, ['scripts/oclif-manifest.js'], { stdio: 'ignore' });
  if (manifest.status !== 0) throw new Error('oclif manifest failed: run "npm run build" to see why.');
}
