import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from '../helpers/browser.js';
import { fileSha, rrr, tempDir } from '../helpers/cli.js';

/** The data the page's script reads, as embedded in the file. */
function embedded(html: string): { blocks: Array<{ kind: string; id: string; rowCount?: number; data?: Array<{ f64?: string }>; columns?: Array<{ key: string }> }> } {
  const match = /<script type="application\/json" id="rrr-data">([\s\S]*?)<\/script>/.exec(html);
  if (!match) throw new Error('no embedded data');
  return JSON.parse(match[1]);
}

describe('rrr report and rrr backtest --report', () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = tempDir('rrr-report-cli-');
    db = join(dir, 'store.duckdb');
    const demo = rrr(['demo', '--db', db]);
    expect(demo.status, demo.stderr).toBe(0);
  });

  it('writes one self-contained file for a recorded run (and its PDF through the local Chromium), reading the store only', () => {
    const before = fileSha(db);
    const out = join(dir, 'run1.html');
    const pdf = join(dir, 'run1.pdf');
    // One run for both: printing is the slow part, and its HTML is the same file.
    const r = rrr(['report', '1', '--out', out, ...(CHROMIUM === null ? [] : ['--pdf', pdf]), '--db', db, '--json']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const written = r.json();
    expect(written).toMatchObject({ runId: 1, path: out, sections: ['price', 'equity', 'returns', 'trades', 'metrics', 'settings'] });
    expect(statSync(out).size).toBe(written.bytes);
    expect(fileSha(db)).toBe(before);
    if (CHROMIUM !== null) {
      expect(written.pdf).toEqual({ path: pdf, bytes: statSync(pdf).size });
      expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    }

    const html = readFileSync(out, 'utf8');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
    // Nothing is loaded from anywhere: no external scripts, styles, images or links to fetch.
    expect(html).not.toMatch(/<(script|img|iframe)[^>]+src=|<link[^>]+href=/i);
    const run = rrr(['runs', 'show', '1', '--db', db, '--json']).json();
    expect(html).toContain(run.dataFingerprint);
    // Every trade is in the table (never downsampled): their P&L, open trade marked to market, adds up to the run's.
    const table = embedded(html).blocks.find((b) => b.id === 'trade-table')!;
    const pnl = table.columns!.findIndex((c) => c.key === 'pnl');
    const bytes = new Uint8Array(Buffer.from(table.data![pnl].f64!, 'base64'));
    const total = new Float64Array(bytes.buffer).reduce((s, v) => s + v, 0);
    expect(table.rowCount).toBeGreaterThanOrEqual(run.metrics.tradeCount);
    expect(total).toBeCloseTo(run.metrics.finalEquity - run.settings.cash, 6);

    const text = rrr(['report', '1', '--out', out, '--db', db]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^Wrote .*run1\.html \(\d+ KB; sections price, equity, returns, trades, metrics, settings\)\.\n$/);
  });

  it('rrr backtest --report writes the report of the run it records', () => {
    const out = join(dir, 'pairs.html');
    const r = rrr(['backtest', '--strategy', 'pairs', '--symbol', 'DEMO-A', '--symbol', 'DEMO-B', '--timeframe', '1d', '--report', out, '--db', db, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const job = r.json();
    expect(job.report).toMatchObject({ path: out, sections: ['price', 'equity', 'returns', 'trades', 'assets', 'metrics', 'settings'] });
    expect(statSync(out).size).toBe(job.report.bytes);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain(`pairs on DEMO-A, DEMO-B 1d (run ${job.runId})`);
    const ids = embedded(html).blocks.map((b) => b.id);
    expect(ids).toEqual(expect.arrayContaining(['price-0', 'price-1', 'asset-pnl', 'asset-weights', 'trade-table']));
  });

  it('refuses, in one sentence and writing nothing, an unknown run, a path it cannot write, --pdf without a browser or without --report', () => {
    const before = readdirSync(dir).sort();
    const sha = fileSha(db);
    const cases: Array<[string[], number, RegExp, Record<string, string>?]> = [
      [['report', '99', '--out', join(dir, 'x.html')], 1, /^Error: There is no run 99 in .*: the newest is \d+ \(see "rrr runs list"\)\.$/],
      [['report', '1', '--out', join(dir, 'missing', 'x.html')], 1, /^Error: --out .*x\.html cannot be written \(folder .*missing does not exist\): give a file path in a folder you can write to\.$/],
      [['report', '1', '--out', dir], 1, /^Error: --out .* is a directory: give a file path in a folder you can write to\.$/],
      [['report', '1', '--out', join(dir, 'y.html'), '--pdf', join(dir, 'y.pdf')], 1, /^Error: RRR_CHROMIUM is \/nonexistent\/chromium, which does not exist, and --pdf needs Chromium: install one \(Debian\/Ubuntu: apt-get install chromium; .*\) or set RRR_CHROMIUM to a Chrome or Chromium executable\.$/, { RRR_CHROMIUM: '/nonexistent/chromium' }],
      [['report', '1', '--out', db], 2, /^Error: --out .*\.duckdb does not end in \.html: the report is one HTML file, which replaces what is at its path; e\.g\. --out report\.html\.$/],
      [['report', '1', '--out', join(dir, 'y.html'), '--pdf', join(dir, 'y.csv')], 2, /^Error: --pdf .*y\.csv does not end in \.pdf: the PDF replaces what is at its path; e\.g\. --pdf report\.pdf\.$/],
      [['report', '1'], 2, /^Error: rrr report needs --out FILE, the HTML file to write: e\.g\. rrr report 1 --out report\.html\.$/],
      [['backtest', '--strategy', 'sma-cross', '--symbol', 'DEMO-A', '--timeframe', '1d', '--pdf', join(dir, 'z.pdf')], 2, /^Error: --pdf prints the HTML report: give --report FILE too \(e\.g\. --report .*z\.html\)\.$/],
      [['backtest', '--strategy', 'sma-cross', '--symbol', 'DEMO-A', '--timeframe', '1d', '--report', join(dir, 'missing', 'z.html')], 1, /^Error: --report .*z\.html cannot be written/],
    ];
    for (const [args, status, message, env] of cases) {
      const r = rrr([...args, '--db', db], { env });
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(status);
      expect(r.stderr.trim(), args.join(' ')).toMatch(message);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect(readdirSync(dir).sort()).toEqual(before);
    // The refused backtest recorded no run.
    expect(fileSha(db)).toBe(sha);
  });
});
