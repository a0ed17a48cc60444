import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRunFolder, findRunFolder, latestRun, listRuns, liveBase } from '../../src/live/run-folder.js';
import { tempDir } from '../helpers/cli.js';

const RUN_FOLDER_JS = pathToFileURL(resolve('dist/live/run-folder.js')).href;

describe('run folders', () => {
  it('live beside the store file', () => {
    expect(liveBase('/data/x/rrr.duckdb')).toBe('/data/x/live');
  });

  it('numbers runs per mode, and finds and lists them', () => {
    const base = join(tempDir('rrr-runs-'), 'live');
    expect(listRuns(base)).toEqual([]);
    expect(latestRun(base)).toBeUndefined();
    const a = createRunFolder(base, 'paper');
    const b = createRunFolder(base, 'paper');
    const c = createRunFolder(base, 'live');
    expect([a.runId, b.runId, c.runId]).toEqual(['paper-1', 'paper-2', 'live-1']);
    expect(statSync(a.folder).mode & 0o777).toBe(0o700);
    // Not a run: ignored.
    mkdirSync(join(base, 'notes'));
    writeFileSync(join(base, 'paper-9'), 'a file, not a folder');
    expect(listRuns(base).map((r) => r.runId).sort()).toEqual(['live-1', 'paper-1', 'paper-2']);
    expect(findRunFolder(base, 'paper-2')).toMatchObject({ runId: 'paper-2', mode: 'paper', number: 2, folder: join(base, 'paper-2') });
    // A file named like a run is not one: numbering goes on from the folders.
    const d = createRunFolder(base, 'paper');
    expect(d.runId).toBe('paper-3');
    expect(latestRun(base)?.created).toBeGreaterThanOrEqual(c.created);
  });

  it('an unknown run is one sentence with a did-you-mean or the list', () => {
    const base = join(tempDir('rrr-runs-'), 'live');
    expect(() => findRunFolder(base, 'paper-1')).toThrow(`No run "paper-1" in ${base}. There are no runs yet.`);
    createRunFolder(base, 'paper');
    createRunFolder(base, 'paper');
    expect(() => findRunFolder(base, 'papr-2')).toThrow(`No run "papr-2" in ${base}. Did you mean "paper-2"?`);
    expect(() => findRunFolder(base, '../../etc')).toThrow(/^No run "\.\.\/\.\.\/etc" in .*\. Known runs: "paper-1", "paper-2"\.$/);
  });

  it('six processes creating runs at once each get their own folder', async () => {
    const base = join(tempDir('rrr-runs-'), 'live');
    const script = `import { createRunFolder } from ${JSON.stringify(RUN_FOLDER_JS)};
for (let k = 0; k < 5; k++) process.stdout.write(createRunFolder(process.argv[1], 'paper').runId + '\\n');`;
    const outputs = await Promise.all(
      Array.from({ length: 6 }, () => new Promise<string>((done, fail) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, base]);
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.on('exit', (code) => (code === 0 ? done(out) : fail(new Error(`child failed with ${code}`))));
      })),
    );
    const ids = outputs.flatMap((o) => o.trim().split('\n'));
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    expect(readdirSync(base).sort()).toEqual(Array.from({ length: 30 }, (_, k) => `paper-${k + 1}`).sort());
  });
});
