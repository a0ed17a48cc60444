/**
 * The promise of studies, as a user meets it: `rrr optimize` killed with SIGKILL in the middle of a sweep,
 * then `rrr optimize --resume s1`, reports exactly what an uninterrupted run reports.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withStore } from '../../src/data/store.js';
import { getStudy } from '../../src/research/optimize/study-store.js';
import { rrr, tempDir } from '../helpers/cli.js';

// 600 grid points: 38 batches of 16 with one worker, so a kill lands between the first batch and the last.
const SEARCH = ['--strategy', 'sma-cross', '--data', resolve('datasets/demo-a_1d.csv'), '--grid', 'fast=2:31:1', '--grid', 'slow=40:59:1', '--pbo-splits', '4', '--workers', '1'];

const journalLines = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').length - 2 : 0);

describe('rrr optimize --resume after kill -9', () => {
  it('continues the study and reports what one uninterrupted run reports', async () => {
    const dir = tempDir();
    const db = join(dir, 'killed.duckdb');
    const journal = `${db}.studies/s1.jsonl`;
    const child = spawn(process.execPath, [resolve('bin/run.js'), 'optimize', ...SEARCH, '--db', db, '--json'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
    const exited = new Promise<void>((done) => child.on('exit', () => done()));
    let finished = false;
    void exited.then(() => (finished = true));
    // Killed once some trials are journaled: the study is then mid-way.
    while (!finished && journalLines(journal) < 32) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await exited;
    const killedAt = journalLines(journal);
    expect(killedAt, `rrr optimize ended before it was killed: ${stderr}`).toBeGreaterThanOrEqual(32);
    expect(killedAt).toBeLessThan(600);
    const stopped = await withStore(db, { readOnly: true }, (store) => getStudy(store, 's1'));
    expect({ state: stopped.state, active: stopped.active }).toEqual({ state: 'running', active: false });
    expect(stopped.trials.length).toBe(killedAt);

    const resumed = rrr(['optimize', '--resume', 's1', '--db', db, '--json']);
    expect(resumed.status, resumed.stderr).toBe(0);
    const reference = rrr(['optimize', ...SEARCH, '--db', join(dir, 'whole.duckdb'), '--json']);
    expect(reference.status, reference.stderr).toBe(0);
    // The winner's command line names each run's own store; everything else is the same.
    const withoutDb = (summary: { winner: { command: string } }) => ({ ...summary, winner: { ...summary.winner, command: summary.winner.command.replace(/ --db \S+/, '') } });
    expect(withoutDb(resumed.json())).toEqual(withoutDb(reference.json()));
    expect(resumed.json().trials).toMatchObject({ total: 600, finished: 600 });

    const study = await withStore(db, { readOnly: true }, (store) => getStudy(store, 's1'));
    expect(study.state).toBe('complete');
    expect(study.trials.map((t) => t.number)).toEqual(Array.from({ length: 600 }, (_, n) => n));
    expect(existsSync(journal)).toBe(false);
  });
});
