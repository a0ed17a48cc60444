import { describe, expect, it } from 'vitest';
import { builtOnlyTsx, workerEntry } from '../../src/research/worker-entry.js';

describe('workerEntry', () => {
  it('runs a built worker without the flags of a process started by tsx, in each way tsx is started', () => {
    // What `npx tsx script.ts` passes (read off process.execArgv under tsx 4).
    expect(builtOnlyTsx(['--require', '/p/node_modules/tsx/dist/preflight.cjs', '--import', 'file:///p/node_modules/tsx/dist/loader.mjs'])).toBe(true);
    expect(builtOnlyTsx(['--import', 'tsx'])).toBe(true);
    expect(builtOnlyTsx(['--import=tsx'])).toBe(true);
    expect(builtOnlyTsx(['--import', 'C:\\p\\node_modules\\tsx\\dist\\loader.mjs'])).toBe(true);
  });

  it('keeps the default inheritance for any other flag, which a worker may refuse when given explicitly', () => {
    expect(builtOnlyTsx([])).toBe(false);
    expect(builtOnlyTsx(['--import', 'tsx', '--max-old-space-size=4000'])).toBe(false);
    expect(builtOnlyTsx(['--import', './instrument.mjs'])).toBe(false);
    expect(builtOnlyTsx(['--import', 'tsx-like'])).toBe(false);
    expect(builtOnlyTsx(['--import'])).toBe(false);
    expect(builtOnlyTsx(['--enable-source-maps', '--import', 'tsx'])).toBe(false);
  });

  it('loads a worker from sources through tsx, whatever the process was started with', () => {
    const entry = workerEntry('file:///p/src/research/sweep/pool.ts', 'worker');
    expect(entry.filename).toBe('file:///p/src/research/sweep/worker.ts');
    expect(entry.execArgv?.[0]).toBe('--import');
    expect(entry.execArgv?.[1]).toMatch(/tsx/);
    expect(workerEntry('file:///p/dist/research/sweep/pool.js', 'worker').filename).toBe('file:///p/dist/research/sweep/worker.js');
  });
});
