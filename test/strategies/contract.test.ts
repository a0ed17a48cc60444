import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allocateBars } from '../../src/data/bars.js';
import { defineStrategy, strategyParams } from '../../src/strategies/define.js';
import { int, parseParamFlags } from '../../src/strategies/params.js';
import { builtinStrategy, resolveStrategy } from '../../src/strategies/registry.js';
import { tempDir } from '../helpers/cli.js';

const smaCross = builtinStrategy('sma-cross')!;

describe('parameter schema', () => {
  it('fills defaults, parses CLI strings and checks ranges and cross-fields', () => {
    expect(strategyParams(smaCross, {})).toEqual({ fast: 10, slow: 50 });
    expect(strategyParams(smaCross, { fast: '20', slow: 100 })).toEqual({ fast: 20, slow: 100 });
    expect(() => strategyParams(smaCross, { fats: '5' })).toThrow('sma-cross has no parameter "fats". Did you mean "fast"?');
    expect(() => strategyParams(smaCross, { fast: '1' })).toThrow('sma-cross: parameter fast=1 is not valid: use an integer from 2 to 200.');
    expect(() => strategyParams(smaCross, { fast: '2.5' })).toThrow('parameter fast=2.5 is not valid: use an integer from 2 to 200.');
    expect(() => strategyParams(smaCross, { fast: 'ten' })).toThrow('parameter fast=ten is not valid');
    // Plain decimals only: Number() alone would read 0x10 as 16 and 1e1 as 10.
    for (const text of ['0x10', '0b10', '0o20', '1e1', '10.0', 'Infinity']) {
      expect(() => strategyParams(smaCross, { fast: text }), text).toThrow(`parameter fast=${text} is not valid: use an integer from 2 to 200`);
    }
    expect(() => strategyParams(smaCross, { fast: '0x10' })).toThrow('use an integer from 2 to 200, in plain decimal digits.');
    expect(strategyParams(smaCross, { fast: '+12', slow: ' 40 ' })).toEqual({ fast: 12, slow: 40 });
    const donchian = builtinStrategy('donchian-breakout')!;
    expect(strategyParams(donchian, { stopAtr: '2.5' }).stopAtr).toBe(2.5);
    expect(strategyParams(donchian, { stopAtr: '25e-1' }).stopAtr).toBe(2.5);
    expect(() => strategyParams(donchian, { stopAtr: '0x2' })).toThrow('parameter stopAtr=0x2 is not valid: use a number from 0.5 to 10, in decimal notation.');
    expect(() => strategyParams(smaCross, { fast: '60', slow: '50' })).toThrow('sma-cross: fast must be below slow (fast=60, slow=50).');
  });

  it('parses --param NAME=VALUE and refuses anything else', () => {
    expect(parseParamFlags(['fast=10', ' slow = 50 '])).toEqual({ fast: '10', slow: '50' });
    expect(() => parseParamFlags(['fast'])).toThrow('--param "fast" is not NAME=VALUE: write it like --param fast=10.');
    expect(() => parseParamFlags(['fast='])).toThrow('is not NAME=VALUE');
  });

  it('defineStrategy refuses a malformed definition with a sentence', () => {
    expect(() => defineStrategy({ name: 'x', params: { n: int(500, { min: 1, max: 100 }) }, warmup: () => 1, signals: () => ({}) })).toThrow(
      'Strategy "x": the default of n (500) is outside its range 1..100.',
    );
    expect(() => defineStrategy({ name: 'x', params: {}, warmup: () => 1 } as never)).toThrow('needs exactly one of signals (single asset) or weights');
  });
});

describe('built-in signals, hand-checked', () => {
  it('donchian-breakout enters above the previous channel high and exits below the previous exit-channel low', () => {
    const donchian = builtinStrategy('donchian-breakout')!;
    const closes = [10, 11, 12, 11, 10, 13, 12, 9, 8, 12];
    const bars = allocateBars(closes.length);
    closes.forEach((c, i) => {
      bars.time[i] = i;
      bars.open[i] = c;
      bars.high[i] = c;
      bars.low[i] = c;
      bars.close[i] = c;
    });
    const s = donchian.signals!(bars, strategyParams(donchian, { entry: 3, exit: 2, atrPeriod: 2 }), { periodsPerYear: 365 });
    // bar 5: close 13 > max(12, 11, 10) of bars 2..4; bar 9: 12 > max(9, 8, 12)? no (12 is not above 12).
    expect(Array.from(s.entries!)).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    // exit channel 2: bar 4: 10 < min(12, 11); bar 7: 9 < min(13, 12); bar 8: 8 < min(12, 9).
    expect(Array.from(s.exits!)).toEqual([0, 0, 0, 0, 1, 0, 0, 1, 1, 0]);
    expect(donchian.simDefaults!(strategyParams(donchian, { atrPeriod: 2 }), { periodsPerYear: 365 })).toEqual({ stopLoss: { kind: 'atr', multiple: 2, period: 2 } });
  });
});

describe('user strategies from files', () => {
  const dir = tempDir('rrr-strategy-');
  const definePath = new URL('../../src/strategies/define.ts', import.meta.url).pathname;

  it('loads a .ts file exporting defineStrategy(...) and a .js file exporting a plain object', async () => {
    const ts = join(dir, 'mine.ts');
    writeFileSync(ts, `import { defineStrategy } from '${definePath}';
const threshold: number = 1;
export default defineStrategy({ name: 'mine', params: {}, warmup: () => threshold, signals: (bars) => ({ entries: new Uint8Array(bars.length), exits: new Uint8Array(bars.length) }) });\n`);
    expect((await resolveStrategy(ts)).name).toBe('mine');
    const js = join(dir, 'plain.mjs');
    writeFileSync(js, `export const strategy = { name: 'plain', params: {}, warmup: () => 1, signals: (b) => ({ entries: new Uint8Array(b.length) }) };\n`);
    expect((await resolveStrategy(js)).name).toBe('plain');
  });

  it('says what is wrong with a file that does not export a strategy, and suggests built-in names', async () => {
    const empty = join(dir, 'empty.ts');
    writeFileSync(empty, 'export const x = 1;\n');
    await expect(resolveStrategy(empty)).rejects.toThrow(/empty\.ts does not export a strategy: add "export default defineStrategy/);
    const wrong = join(dir, 'wrong.js');
    writeFileSync(wrong, 'export default { name: "w", params: {} };\n');
    await expect(resolveStrategy(wrong)).rejects.toThrow(/wrong\.js does not export a valid strategy: Strategy "w" needs warmup/);
    await expect(resolveStrategy('sma-cros')).rejects.toThrow('Unknown strategy "sma-cros". Did you mean "sma-cross"?');
    await expect(resolveStrategy('./nope.ts')).rejects.toThrow(/Strategy file not found/);
  });
});
