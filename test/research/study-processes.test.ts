/**
 * Studies across real processes: a child records trials through the built library (dist/) and is killed
 * with SIGKILL mid-append, or runs while other rrr processes use the same store.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withStore } from '../../src/data/store.js';
import { getStudy, StudyRecorder } from '../../src/research/optimize/study-store.js';
import { fileSha, rrr, tempDir } from '../helpers/cli.js';

const DIST = resolve(process.cwd(), 'dist/research/optimize/study-store.js');
const FINGERPRINT = '0123456789abcdef';

/** The child: creates or resumes study s1, appends trials `batch` at a time, says "ack N" after each append. */
const CHILD = `
import { existsSync } from 'node:fs';
import { StudyRecorder } from ${JSON.stringify(DIST)};
const [db, mode, total, batch, stopFile] = process.argv.slice(2);
const trial = (n) => ({ number: n, params: { fast: n % 50, slow: 100 + n }, state: n % 5 === 4 ? 'pruned' : 'complete',
  ...(n % 5 === 4 ? { reason: 'pruned ' + n } : { value: n / 3 }), metrics: { sharpe: n / 3, tradeCount: n },
  blocks: Float64Array.from({ length: 32 }, (_, k) => n + k / 7) });
const header = { strategy: 'sma-cross', source: 'store', symbols: ['A'], timeframe: '1h', from: 'a', to: 'b',
  dataFingerprint: ${JSON.stringify(FINGERPRINT)}, method: 'grid', seed: 1, direction: 'maximize', objective: 'sharpe',
  constraints: [], space: { dimensions: [] }, fixedParams: {}, settings: {}, pboSplits: 16, command: [] };
let recorder, next = 0;
if (mode === 'create') recorder = await StudyRecorder.create(db, header);
else {
  const resumed = await StudyRecorder.resume(db, 's1', ${JSON.stringify(FINGERPRINT)});
  recorder = resumed.recorder;
  next = resumed.trials.length === 0 ? 0 : resumed.trials[resumed.trials.length - 1].number + 1;
}
process.stdout.write('study ' + recorder.id + ' from ' + next + '\\n');
while (next < Number(total)) {
  if (stopFile && existsSync(stopFile)) break;
  const trials = [];
  for (let k = 0; k < Number(batch) && next < Number(total); k++) trials.push(trial(next++));
  recorder.append(trials);
  process.stdout.write('ack ' + (next - 1) + '\\n');
  if (stopFile) await new Promise((r) => setTimeout(r, 20));
}
await recorder.finish('complete');
process.stdout.write('done\\n');
`;

/** What the child's trial(n) is, computed here independently. */
function expected(n: number) {
  const pruned = n % 5 === 4;
  return {
    number: n,
    params: { fast: n % 50, slow: 100 + n },
    state: pruned ? 'pruned' : 'complete',
    ...(pruned ? { reason: `pruned ${n}` } : { value: n / 3 }),
    metrics: { sharpe: n / 3, tradeCount: n },
    blocks: Float64Array.from({ length: 32 }, (_, k) => n + k / 7),
  };
}

interface Child {
  process: ChildProcess;
  lines: string[];
  /** Resolves once a line matches. */
  waitFor(pattern: RegExp): Promise<string>;
  exited: Promise<number | null>;
}

function startChild(script: string, args: string[]): Child {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiting: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let partial = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  child.stdout!.on('data', (chunk) => {
    partial += String(chunk);
    const parts = partial.split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiting]) {
        if (w.pattern.test(line)) {
          w.resolve(line);
          waiting.splice(waiting.indexOf(w), 1);
        }
      }
    }
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return {
    process: child,
    lines,
    exited,
    waitFor: (pattern) =>
      new Promise((resolveLine, reject) => {
        const seen = lines.find((l) => pattern.test(l));
        if (seen) return resolveLine(seen);
        waiting.push({ pattern, resolve: resolveLine });
        void exited.then((code) => reject(new Error(`the child exited (${code}) before printing ${pattern}: ${stderr}`)));
      }),
  };
}

const acked = (child: Child) => child.lines.filter((l) => l.startsWith('ack ')).map((l) => Number(l.slice(4)));

describe('studies across processes', () => {
  it('kill -9 in the middle of appending leaves a resumable study: no acknowledged trial lost, none repeated', async () => {
    const dir = tempDir();
    const db = join(dir, 'rrr.duckdb');
    const script = join(dir, 'child.mjs');
    writeFileSync(script, CHILD);
    const total = 300;
    let lastAcked = -1;
    for (const mode of ['create', 'resume']) {
      const child = startChild(script, [db, mode, String(total), '3']);
      const [, from] = /from (\d+)/.exec(await child.waitFor(/^study s1 from \d+$/))!;
      // Every trial acknowledged before the kill is there when the study resumes.
      expect(Number(from)).toBeGreaterThan(lastAcked);
      await child.waitFor(new RegExp(`^ack (${Number(from) + 60}|${Number(from) + 61}|${Number(from) + 62})$`));
      child.process.kill('SIGKILL');
      await child.exited;
      lastAcked = Math.max(...acked(child));
    }
    const last = startChild(script, [db, 'resume', String(total), '3']);
    const [, from] = /from (\d+)/.exec(await last.waitFor(/^study s1 from \d+$/))!;
    expect(Number(from)).toBeGreaterThan(lastAcked);
    await last.waitFor(/^done$/);
    expect(await last.exited).toBe(0);

    const study = await withStore(db, { readOnly: true }, (store) => getStudy(store, 's1'));
    expect(study.state).toBe('complete');
    expect(study.trials.map((t) => t.number)).toEqual(Array.from({ length: total }, (_, n) => n));
    expect(study.trials).toEqual(Array.from({ length: total }, (_, n) => expected(n)));
    expect(await withStore(db, { readOnly: true }, (store) => store.rows('SELECT count(*)::INT AS n, count(DISTINCT number)::INT AS d FROM study_trials'))).toEqual([{ n: total, d: total }]);
  });

  it('a running study holds no store lock: rrr data list and data import run beside it with --wait 0, and a second run of the study is refused', async () => {
    const dir = tempDir();
    const db = join(dir, 'rrr.duckdb');
    const script = join(dir, 'child.mjs');
    const stop = join(dir, 'stop');
    writeFileSync(script, CHILD);
    const child = startChild(script, [db, 'create', '100000', '1', stop]);
    await child.waitFor(/^ack 5$/);

    const list = rrr(['data', 'list', '--db', db, '--wait', '0']);
    expect(list.stderr).toBe('');
    expect(list.status).toBe(0);
    const imported = rrr(['data', 'import', resolve('datasets/demo-a_1d.csv'), '--symbol', 'A', '--timeframe', '1d', '--db', db, '--wait', '0']);
    expect(imported.status, imported.stderr).toBe(0);
    const busy = await StudyRecorder.resume(db, 's1', FINGERPRINT).catch((e: Error) => e.message);
    expect(busy).toMatch(new RegExp(`^Study s1 is being run by process ${child.process.pid}: wait for it to finish or stop it \\(if that process is gone, remove .*s1\\.lock\\)\\.$`));
    const sha = fileSha(db);
    // rrr studies list and show read the running study (journal included) and write nothing.
    const shown = rrr(['studies', 'show', 's1', '--db', db, '--json', '--wait', '0']);
    expect(shown.status, shown.stderr).toBe(0);
    expect(shown.json().active).toBe(true);
    expect(shown.json().trialCount).toBeGreaterThanOrEqual(6);
    const listed = rrr(['studies', 'list', '--db', db, '--wait', '0']);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^s1 +\S+ +running +sma-cross/m);
    expect(fileSha(db)).toBe(sha);

    writeFileSync(stop, '');
    await child.waitFor(/^done$/);
    expect(await child.exited).toBe(0);
    const study = await withStore(db, { readOnly: true }, (store) => getStudy(store, 's1'));
    const last = Math.max(...acked(child));
    expect(study.trials).toEqual(Array.from({ length: last + 1 }, (_, n) => expected(n)));
    expect({ state: study.state, active: study.active }).toEqual({ state: 'complete', active: false });
  });
});
