/** A small benchmark harness: warm-up, then the median of repeated timings, printed as a table. */
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
