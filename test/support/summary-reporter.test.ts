import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the plain closing line', () => {
  it('counts a file that fails to load and a suite that throws while collected as failures', () => {
    const config = resolve('test/fixtures/reporter/vitest.config.ts');
    const run = spawnSync(process.execPath, [resolve('node_modules/vitest/vitest.mjs'), 'run', '--config', config], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    const last = run.stdout.trim().split('\n').pop();
    expect(last).toBe('1 passed, 2 failed, 1 skipped');
    expect(run.status).not.toBe(0);
  });
});
