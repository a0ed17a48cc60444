/**
 * `rrr data fetch` of hourly bars from the local Binance emulator (src/exchange/emulator), end to end: the
 * built CLI in a child process (ccxt paging 1000 klines a request, the checks, chunked upserts into a new
 * store), beside the paging alone (the same ccxt requests in this process, nothing stored). Peak RSS of the
 * child for N and 4N bars shows whether memory grows with the bars fetched. Run after `npm run build`:
 *
 *   npx tsx bench/fetch.ts [bars, default 20000]
 *
 * Target: 20,000 bars under 5 s end to end, dominated by the paging; peak RSS flat in N. On a machine shared
 * with other work the wall-clock figures mostly measure waiting: the CPU seconds are printed beside them.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchmarkBars } from '../src/data/synthetic.js';
import { startEmulator } from '../src/exchange/emulator/index.js';
import { createExchange } from '../src/exchange/client.js';

const n = Number(process.argv[2] ?? 20_000);
if (!(Number.isInteger(n) && n > 1)) throw new Error(`Give a whole number of bars above 1, not "${process.argv[2]}".`);
const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const HOUR = 3_600_000;
const gnuTime = existsSync('/usr/bin/time');
const WRAPPER = `process.on('exit', () => process.stderr.write('maxrss_kb ' + process.resourceUsage().maxRSS + '\\n')); process.argv.splice(1, 1); await import(process.argv[1]);`;

/** Hourly bars ending at the current hour (the last one forming on the emulator). */
function hourlyBars(count: number) {
  const bars = benchmarkBars(count, 7);
  const last = Math.floor(Date.now() / HOUR) * HOUR;
  for (let i = 0; i < count; i++) bars.time[i] = last - (count - 1 - i) * HOUR;
  return bars;
}

function run(args: string[]): Promise<{ seconds: number; cpu: number; mb: number; stdout: string }> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = gnuTime
      ? spawn('/usr/bin/time', ['-v', process.execPath, BIN, ...args])
      : spawn(process.execPath, ['--input-type=module', '-e', WRAPPER, 'wrapper', BIN, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      if (code !== 0) return fail(new Error(`rrr ${args.join(' ')} failed (exit ${code}): ${stderr}`));
      const kb = gnuTime ? /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] : /maxrss_kb (\d+)/.exec(stderr)?.[1];
      // CPU seconds (user + system) tell rrr's own cost apart from waiting on a busy machine.
      const cpu = gnuTime ? Number(/User time \(seconds\): ([\d.]+)/.exec(stderr)?.[1]) + Number(/System time \(seconds\): ([\d.]+)/.exec(stderr)?.[1]) : NaN;
      done({ seconds, cpu, mb: Number(kb) / 1024, stdout });
    });
  });
}

async function measure(count: number) {
  const bars = hourlyBars(count);
  const emulator = await startEmulator({ bars, symbol: 'BTC/USDT', timeframe: '1h', port: 0, speed: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'rrr-bench-fetch-'));
  try {
    const since = new Date(bars.time[0]).toISOString();
    // Paging alone: the requests rrr makes, answered and parsed by ccxt, nothing checked or stored.
    const exchange = await createExchange('binance', { url: emulator.url });
    await exchange.loadMarkets();
    const p0 = performance.now();
    let got = 0;
    for (let cursor = bars.time[0]; ; ) {
      const page = await exchange.fetchOHLCV('BTC/USDT', '1h', cursor, 1000);
      got += page.length;
      if (page.length < 1000) break;
      cursor = Number(page[page.length - 1][0]) + 1;
    }
    const paging = (performance.now() - p0) / 1000;
    const db = join(dir, 'store.duckdb');
    const r = await run(['data', 'fetch', '--exchange', 'binance', '--exchange-url', emulator.url, '--symbol', 'BTC/USDT', '--timeframe', '1h', '--since', since, '--db', db, '--json']);
    const out = JSON.parse(r.stdout) as { fetched: number; total: number };
    if (out.total !== count - 1) throw new Error(`Stored ${out.total} bars, expected ${count - 1} (all but the forming one).`);
    const startup = await run(['data', 'fetch', '--help']);
    return { count, got, paging, ...r, startup: startup.seconds, startupCpu: startup.cpu };
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`rrr data fetch from the local Binance emulator (1h bars, 1000 per request; peak RSS from ${gnuTime ? 'GNU time' : 'resourceUsage'}):`);
for (const count of [n, 4 * n]) {
  const m = await measure(count);
  console.log(
    `  ${m.count} bars: ${m.seconds.toFixed(2)} s end to end, ${m.cpu.toFixed(2)} s CPU (CLI start-up alone ${m.startup.toFixed(2)} s, ${m.startupCpu.toFixed(2)} s CPU; ` +
      `the same ${Math.ceil(m.count / 1000)} requests paged in-process ${m.paging.toFixed(2)} s), peak RSS ${m.mb.toFixed(0)} MB`,
  );
}
