import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rrr, tempDir } from '../helpers/cli.js';

const hour = (h: number) => `2020-01-0${1 + Math.floor(h / 24)}T${String(h % 24).padStart(2, '0')}:00:00Z`;

describe('rrr data show prints the ends of a series unless asked for all of it', () => {
  let db: string;
  const show = (...extra: string[]) => rrr(['data', 'show', 'H', '--timeframe', '1h', '--db', db, ...extra]);
  const times = (r: { json: () => { bars: { time: string }[] } }) => r.json().bars.map((b) => b.time);

  beforeAll(() => {
    const dir = tempDir('rrr-show-');
    db = join(dir, 's.duckdb');
    // 30 hourly bars: close = 100 + hour, so every printed row can be told apart.
    const rows = Array.from({ length: 30 }, (_, h) => `${hour(h)},${100 + h},${102 + h},${99 + h},${100 + h},${h}`);
    writeFileSync(join(dir, 'h.csv'), `timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
    expect(rrr(['data', 'import', join(dir, 'h.csv'), '--symbol', 'H', '--timeframe', '1h', '--db', db]).status).toBe(0);
  });

  it('by default: the first 5 and the last 5 bars, with the number not shown between them', () => {
    const r = show();
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2 + 5 + 1 + 5 + 1);
    expect(lines.slice(2, 7).map((l) => l.split(/\s+/)[0])).toEqual([0, 1, 2, 3, 4].map(hour));
    expect(lines[7]).toBe('... 20 bars not shown (--all, --head, --tail)');
    expect(lines.slice(8, 13).map((l) => l.split(/\s+/)[0])).toEqual([25, 26, 27, 28, 29].map(hour));
    expect(lines[13]).toBe('10 of 30 bars of H 1h.');
    const json = show('--json');
    expect(json.json()).toMatchObject({ total: 30, shown: 10, omitted: 20 });
    expect(times(json)).toEqual([0, 1, 2, 3, 4, 25, 26, 27, 28, 29].map(hour));
    expect(json.json().bars[5]).toEqual({ time: hour(25), open: 125, high: 127, low: 124, close: 125, volume: 25 });
  });

  it('--all prints and returns every bar', () => {
    const r = show('--all');
    expect(r.stdout).not.toContain('not shown');
    expect(r.stdout.trim().split('\n')).toHaveLength(2 + 30 + 1);
    expect(times(show('--all', '--json'))).toEqual(Array.from({ length: 30 }, (_, h) => hour(h)));
  });

  it('--head and --tail choose the ends, alone or together', () => {
    expect(times(show('--head', '3', '--json'))).toEqual([0, 1, 2].map(hour));
    expect(show('--head', '3').stdout).toContain('... 27 bars not shown (--all, --head, --tail)');
    expect(times(show('--tail', '2', '--json'))).toEqual([28, 29].map(hour));
    expect(times(show('--head', '1', '--tail', '1', '--json'))).toEqual([0, 29].map(hour));
    // Ends that overlap print each bar once.
    expect(times(show('--head', '20', '--tail', '20', '--json'))).toEqual(Array.from({ length: 30 }, (_, h) => hour(h)));
  });

  it('a range of 10 bars or fewer is printed whole', () => {
    const r = show('--from', hour(3), '--to', hour(10), '--json');
    expect(times(r)).toEqual([3, 4, 5, 6, 7, 8, 9, 10].map(hour));
    expect(r.json().omitted).toBe(0);
  });

  it('--all with --head is refused in one sentence', () => {
    const r = show('--all', '--head', '2');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('Error: --all prints every bar, so it cannot be combined with --head: give one or the other.');
  });
});
