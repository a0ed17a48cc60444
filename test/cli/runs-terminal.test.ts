import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rrr, tempDir } from '../helpers/cli.js';

const BIN = resolve(process.cwd(), 'bin/run.js');
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** util-linux `script` runs a command on a pseudo-terminal: how a user's terminal looks to rrr. */
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

/** The built CLI on a terminal `columns` wide, `input` typed into it; stdout and stderr both come back in `output`. */
function onTerminal(args: readonly string[], options: { columns?: number; input?: string } = {}): { status: number; output: string } {
  const command = `stty cols ${options.columns ?? 100}; exec ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}`;
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { env: { ...process.env, RRR_DB: undefined }, input: options.input ?? '', encoding: 'utf8' });
  return { status: r.status ?? -1, output: r.stdout.replace(/\r\n/g, '\n') };
}

describe.skipIf(!hasScript)('on a terminal', () => {
  let db: string;
  beforeAll(() => {
    db = join(tempDir('rrr-terminal-'), 'store.duckdb');
    expect(rrr(['demo', '--db', db]).status).toBe(0);
  });

  it('rrr backtest draws the equity sparkline under the metrics, fitted to the width; piped output has none', () => {
    const args = ['backtest', '--strategy', 'sma-cross', '--symbol', 'DEMO-A', '--timeframe', '1d', '--trades', '2', '--db', db];
    const tty = onTerminal(args, { columns: 90 });
    expect(tty.status, tty.output).toBe(0);
    const piped = rrr(args);
    expect(piped.status, piped.stderr).toBe(0);
    const line = /^Equity (\S+) ([▁▂▃▄▅▆▇█]+) (\S+)$/m.exec(tty.output);
    expect(line, tty.output).not.toBeNull();
    const [whole, first, chart, last] = line!;
    // One column is left free: 89 characters, the chart taking what the label and the two values leave.
    expect([...whole]).toHaveLength(89);
    expect(first).toBe('10000');
    // The chart ends on the final equity, which the metrics table prints (to 4 decimals, here 2).
    const finalEquity = Number(/^Equity final\s+(\S+)$/m.exec(piped.stdout)![1]);
    expect(Number(last)).toBeCloseTo(finalEquity, 2);
    expect(chart).toContain('▁');
    expect(chart).toContain('█');
    // Under the metrics, before the trades; otherwise the terminal's report is the piped one.
    expect(tty.output.indexOf(whole)).toBeGreaterThan(tty.output.indexOf('Fees paid'));
    expect(tty.output.indexOf(whole)).toBeLessThan(tty.output.indexOf('Last 2 of'));
    const withoutRun = (s: string) => s.replace(/^Run\s+\d+$/m, 'Run');
    expect(withoutRun(tty.output.replace('Backtesting sma-cross...\n', '').replace(`\n${whole}\n`, ''))).toBe(withoutRun(piped.stdout));
    expect(piped.stdout).not.toMatch(/[▁▂▃▄▅▆▇█]/);
  });

  it('rrr runs delete asks on a terminal: anything but y deletes nothing, y deletes', () => {
    const no = onTerminal(['runs', 'delete', '1', '--db', db], { input: 'n\n' });
    expect(no.status, no.output).toBe(0);
    expect(no.output).toContain(`Delete run 1 (sma-cross fast=10 slow=50, DEMO-A 1d) and its tags from ${db}? [y/N]`);
    expect(no.output).toMatch(/\nNothing deleted\.\n$/);
    expect(rrr(['runs', 'list', '--db', db, '--json']).json().runs.map((r: { id: number }) => r.id)).toContain(1);
    const yes = onTerminal(['runs', 'delete', '1', '--db', db], { input: 'y\n' });
    expect(yes.status, yes.output).toBe(0);
    expect(yes.output).toContain(`Deleted run 1 (sma-cross fast=10 slow=50, DEMO-A 1d) from ${db}.`);
    expect(rrr(['runs', 'list', '--db', db, '--json']).json().runs.map((r: { id: number }) => r.id)).not.toContain(1);
  });
});
