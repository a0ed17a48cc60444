import type { SweepThreads } from '../research/sweep/types.js';

/** Where a sweep's trials ran, and why: "this thread (...)" or "2 worker threads (the cores)". */
export function threadsText(t: SweepThreads): string {
  return `${t.count === 1 ? 'this thread' : `${t.count} worker threads`} (${t.reason})`;
}
