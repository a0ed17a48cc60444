import { describe, expect, it } from 'vitest';
import { bucketLast, renderSparklineLine, SPARK_LEVELS, sparkline, terminalColumns } from '../../src/report/sparkline.js';

describe('sparkline', () => {
  it('draws eight evenly spaced values on the eight levels, lowest to highest', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe('▁▂▃▄▅▆▇█');
    expect(SPARK_LEVELS).toBe('▁▂▃▄▅▆▇█');
  });

  it('rounds to the nearest level: 3.5 of 0..7 is level 4 (▅)', () => {
    expect(sparkline([0, 7, 3.5], 3)).toBe('▁█▅');
    expect(sparkline([0, 7, 3.49], 3)).toBe('▁█▄');
  });

  it('a flat series sits on the lowest level; a missing value is a space', () => {
    expect(sparkline([5, 5, 5], 10)).toBe('▁▁▁');
    expect(sparkline([1, NaN, 3], 3)).toBe('▁ █');
    expect(sparkline([], 10)).toBe('');
  });

  it('downsamples by bucket, keeping the last value of each', () => {
    // 10 points into 4 buckets: indexes 0-1, 2-4, 5-6, 7-9; their last values are 2, 5, 7, 10.
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(bucketLast(values, 4)).toEqual([2, 5, 7, 10]);
    // Scaled over 2..10: (5-2)/8*7 = 2.625 -> 3 (▄), (7-2)/8*7 = 4.375 -> 4 (▅).
    expect(sparkline(values, 4)).toBe('▁▄▅█');
    // Never more characters than points, and exactly `width` when there are more points.
    expect(bucketLast(values, 20)).toEqual(values);
    const long = Float64Array.from({ length: 1000 }, (_, i) => i);
    expect([...sparkline(long, 77)]).toHaveLength(77);
    expect(bucketLast(long, 77).at(-1)).toBe(999);
  });

  it('a line with the label, the first and last values, fitted under the width', () => {
    // Room for the chart: 40 - 1 - ("Equity" 6 + "10000" 5 + "12345.68" 8 + 3 spaces) = 17 >= 4 points.
    // Over 9800..12345.678: 10000 -> 0.55 -> ▂, 10500 -> 1.93 -> ▃.
    expect(renderSparklineLine('Equity', [10000, 10500, 9800, 12345.678], 40)).toBe('Equity 10000 ▂▃▁█ 12345.68');
    const line = renderSparklineLine('Equity', Float64Array.from({ length: 500 }, (_, i) => 100 + i), 60);
    expect(line).toBe(`Equity 100 ${sparkline(Float64Array.from({ length: 500 }, (_, i) => 100 + i), 59 - 15)} 599`);
    expect([...line]).toHaveLength(59);
    // 20 columns leave 19 - ("Equity 1  9" 11) = 8 for the chart: 9 points into 8 buckets end on 1..7 and 9,
    // at (v-1)/8*7 = 0, 0.875, 1.75, 2.625, 3.5, 4.375, 5.25, 7. One column less is too narrow: nothing.
    expect(renderSparklineLine('Equity', [1, 2, 3, 4, 5, 6, 7, 8, 9], 20)).toBe('Equity 1 ▁▂▃▄▅▅▆█ 9');
    expect(renderSparklineLine('Equity', [1, 2, 3, 4, 5, 6, 7, 8, 9], 19)).toBe('');
  });

  it('knows the terminal only when stdout is one', () => {
    expect(terminalColumns({ isTTY: false, columns: 100 })).toBeUndefined();
    expect(terminalColumns({})).toBeUndefined();
    expect(terminalColumns({ isTTY: true, columns: 120 })).toBe(120);
    expect(terminalColumns({ isTTY: true, columns: 0 })).toBe(80);
  });
});
