/** A small benchmark harness: warm-up, then the median of repeated timings, printed as a table. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
export interface Measurement {
  name: string;
  medianMs: number;
  minMs: number;
  runs: number;
  note?: string;
}

export async function measure(name: string, fn: () => unknown | Promise<unknown>, options: { runs?: number; warmup?: number; note?: string } = {}): Promise<Measurement> {
  const runs = options.runs ?? 5;
  for (let i = 0; i < (options.warmup ?? 1); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { name, medianMs: times[Math.floor(times.length / 2)], minMs: times[0], runs, note: options.note };
}

export function report(title: string, rows: Measurement[]): void {
  console.log(`\n## ${title}`);
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    console.log(`${r.name.padEnd(width)}  median ${r.medianMs.toFixed(2).padStart(9)} ms  min ${r.minMs.toFixed(2).padStart(9)} ms  (n=${r.runs})${r.note ? `  ${r.note}` : ''}`);
  }
}

/** Benchmarks check their output before timing it (CONVENTIONS #13). */
export function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`Benchmark check failed: ${message}`);
}

const root = fileURLToPath(new URL('..', import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The built module at `path` under dist/ (`npm run bench` builds first): what the CLI and the package run, and
 * what worker threads then load as plain JavaScript rather than TypeScript through tsx (measured: the 100-pair
 * sweep on 2 workers 45-49 ms built against 52-63 ms from sources). Refused when a source is newer than the
 * last build (its oclif manifest, written last).
 */
export async function built<T>(path: string): Promise<T> {
  const builtAt = statSync(join(root, 'oclif.manifest.json'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (newestSource(join(root, 'src')) > builtAt) {
    throw new Error('dist/ is older than src/ (or missing): run npm run build first (npm run bench does).');
  }
  return (await import(new URL(`../dist/${path}`, import.meta.url).href)) as T;
}
