import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_SYMBOLS, demoFile, generateDemo, toCsv } from '../../scripts/demo-data.js';
import { DEMO_SERIES, demoPath } from '../../src/data/demo.js';

describe('shipped demo data', () => {
  it('equals the documented generator output byte for byte', () => {
    const demo = generateDemo();
    for (const symbol of DEMO_SYMBOLS) {
      expect(readFileSync(`datasets/${demoFile(symbol)}`, 'utf8')).toBe(toCsv(demo[symbol]));
    }
  });

  it('is what the demo command imports', () => {
    expect(DEMO_SERIES.map((s) => s.file)).toEqual(DEMO_SYMBOLS.map(demoFile));
    expect(readFileSync(demoPath(DEMO_SERIES[0].file), 'utf8').split('\n')[0]).toBe('timestamp,open,high,low,close,volume');
  });
});
