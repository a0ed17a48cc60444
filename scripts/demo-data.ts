/**
 * Generates the synthetic demo dataset shipped in datasets/ (see datasets/README.md for the model).
 * Run: npx tsx scripts/demo-data.ts   — the output is byte-identical on every machine (seed 20261121).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../src/data/synthetic.js';

export const DEMO_SEED = 20261121;
export const DEMO_START = Date.UTC(2019, 0, 1);
export const DEMO_DAYS = 2192; // 2019-01-01 .. 2024-12-31, every day (a 24/7 market)
export const DEMO_SYMBOLS = ['DEMO-A', 'DEMO-B', 'DEMO-C'] as const;

interface Series { time: number[]; open: number[]; high: number[]; low: number[]; close: number[]; volume: number[] }

function normal(rand: () => number): () => number {
  return () => {
    const u = Math.max(rand(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
}

/** Bars around a path of log closes: open near the previous close, wicks beyond open and close. */
function barsFromLogCloses(logClose: number[], dailyVol: number, baseVolume: number, rand: () => number, z: () => number): Series {
  const s: Series = { time: [], open: [], high: [], low: [], close: [], volume: [] };
  const round = (x: number) => Math.round(x * 100) / 100;
  for (let i = 0; i < logClose.length; i++) {
    const close = round(Math.exp(logClose[i]));
    const prev = i === 0 ? Math.exp(logClose[0] - dailyVol * z()) : Math.exp(logClose[i - 1]);
    const open = round(prev * Math.exp(0.1 * dailyVol * z()));
    const high = Math.max(open, close, round(Math.max(open, close) * Math.exp(0.5 * dailyVol * Math.abs(z()))));
    const low = Math.min(open, close, round(Math.min(open, close) * Math.exp(-0.5 * dailyVol * Math.abs(z()))));
    s.time.push(DEMO_START + i * 86_400_000);
    s.open.push(open);
    s.high.push(high);
    s.low.push(low);
    s.close.push(close);
    s.volume.push(Math.round(baseVolume * Math.exp(0.4 * z() + 0.5 * Math.abs(logClose[i] - (i > 0 ? logClose[i - 1] : logClose[i])) / dailyVol)));
  }
  return s;
}

export function generateDemo(): Record<(typeof DEMO_SYMBOLS)[number], Series> {
  const rand = mulberry32(DEMO_SEED);
  const z = normal(rand);
  // DEMO-A: a trending asset. Markov regimes (bull drift +0.3%/day, bear -0.25%/day, switch 1.5%/day), 3% daily vol.
  const a: number[] = [];
  let regime = 1;
  let x = Math.log(4000);
  for (let i = 0; i < DEMO_DAYS; i++) {
    if (rand() < 0.015) regime = -regime;
    x += (regime > 0 ? 0.003 : -0.0025) + 0.03 * z();
    a.push(x);
  }
  // DEMO-B: cointegrated with A (log B = 0.8 log A - 1.2 + s, s an AR(1) spread with phi 0.95, sd 1.5%/day).
  const b: number[] = [];
  let spread = 0;
  for (let i = 0; i < DEMO_DAYS; i++) {
    spread = 0.95 * spread + 0.015 * z();
    b.push(0.8 * a[i] - 1.2 + spread);
  }
  // DEMO-C: an index-like random walk, +8%/year drift, 1% daily vol.
  const c: number[] = [];
  let y = Math.log(250);
  for (let i = 0; i < DEMO_DAYS; i++) {
    y += 0.08 / 365 + 0.01 * z();
    c.push(y);
  }
  return {
    'DEMO-A': barsFromLogCloses(a, 0.03, 25_000, rand, z),
    'DEMO-B': barsFromLogCloses(b, 0.03, 90_000, rand, z),
    'DEMO-C': barsFromLogCloses(c, 0.01, 1_000_000, rand, z),
  };
}

export function toCsv(s: Series): string {
  const lines = ['timestamp,open,high,low,close,volume'];
  for (let i = 0; i < s.time.length; i++) {
    lines.push(`${new Date(s.time[i]).toISOString().slice(0, 19)}Z,${s.open[i]},${s.high[i]},${s.low[i]},${s.close[i]},${s.volume[i]}`);
  }
  return `${lines.join('\n')}\n`;
}

export const demoFile = (symbol: string) => `${symbol.toLowerCase()}_1d.csv`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const demo = generateDemo();
  for (const symbol of DEMO_SYMBOLS) writeFileSync(new URL(`../datasets/${demoFile(symbol)}`, import.meta.url), toCsv(demo[symbol]));
  console.log(`Wrote ${DEMO_SYMBOLS.map(demoFile).join(', ')} to datasets/.`);
}
