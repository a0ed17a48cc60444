import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { SMALL_SWEEP_BAR_TRIALS, sweepThreads } from '../../src/commands/_search-flags.js';

describe('the threads a sweep runs on', () => {
  it('--workers is honoured whatever the size of the sweep', () => {
    expect(sweepThreads({ workers: '3' }, 10)).toEqual({ count: 3, reason: '--workers' });
    expect(sweepThreads({ workers: '1' }, 1e12)).toEqual({ count: 1, reason: '--workers' });
  });

  it('without it: this thread below the threshold, the cores from it on', () => {
    expect(sweepThreads({}, 100 * 100_000)).toEqual({ count: 1, reason: '10 million bar-trials, under the 50 million that threads take to pay for starting; --workers N sets them' });
    expect(sweepThreads({}, 52_608).reason).toMatch(/^52,608 bar-trials, under the 50 million/);
    expect(sweepThreads({}, SMALL_SWEEP_BAR_TRIALS - 1).count).toBe(1);
    expect(sweepThreads({}, SMALL_SWEEP_BAR_TRIALS)).toEqual({ count: availableParallelism(), reason: 'the cores' });
  });

  it('a bad --workers is refused in one sentence', () => {
    expect(() => sweepThreads({ workers: 'abc' }, 1)).toThrow(/^--workers abc is not valid: give a whole number of threads, 1 or more\.$/);
  });
});
