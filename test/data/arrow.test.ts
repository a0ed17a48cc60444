import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { barsFromArrow, barsToArrow } from '../../src/data/arrow.js';
import { benchmarkBars } from '../../src/data/synthetic.js';

describe('Arrow interop', () => {
  it('views the bars without copying and reads them back without copying', () => {
    const bars = benchmarkBars(1000);
    const table = barsToArrow(bars);
    expect(table.numRows).toBe(1000);
    const close = table.getChild('close')!.toArray() as Float64Array;
    expect(close.buffer).toBe(bars.close.buffer);
    const back = barsFromArrow(table);
    expect(back.close.buffer).toBe(bars.close.buffer);
    expect(back.time).toEqual(bars.time);
  });

  it('survives an IPC round trip with equal values', () => {
    const bars = benchmarkBars(500);
    const back = barsFromArrow(tableFromIPC(tableToIPC(barsToArrow(bars))));
    for (const f of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) expect(back[f]).toEqual(bars[f]);
  });
});
