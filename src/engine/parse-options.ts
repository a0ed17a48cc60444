/**
 * Simulation settings written as text (CLI flags, config files) -> typed SimOptions.
 * Only the syntax is checked here; ranges are checked by resolveSimOptions.
 */
import { UserError } from '../errors.js';
import type { SizeSpec, StopSpec } from './types.js';

const number = (flag: string, text: string, accepted: string): number => {
  const value = Number(text.trim().replace(/%$/, ''));
  if (text.trim() === '' || !Number.isFinite(value)) throw new UserError(`--${flag} "${text}" is not valid: use ${accepted}.`);
  return text.trim().endsWith('%') ? value / 100 : value;
};

/** `0.03` or `3%`: a fraction of the fill price; `2atr` or `2atr:20`: 2 x ATR(14 or 20) at the signal bar. */
export function parseStop(flag: string, text: string): StopSpec {
  const atr = /^\s*(\d+(?:\.\d+)?)\s*atr(?::(\d+))?\s*$/i.exec(text);
  if (atr) return { kind: 'atr', multiple: Number(atr[1]), period: atr[2] === undefined ? 14 : Number(atr[2]) };
  return { kind: 'pct', value: number(flag, text, 'a fraction of the fill price such as 0.03 or 3%, or a multiple of ATR such as 2atr or 2atr:20') };
}

const SIZE_HELP = 'a fraction of equity (1, 0.5 or 50%), cash:AMOUNT, units:N, vol:ANNUAL_VOL[:LOOKBACK] or kelly:FRACTION[:MIN_TRADES]';

/** --size: fraction of equity (default 1 = all), fixed cash, fixed units, volatility target or fractional Kelly. */
export function parseSize(text: string, periodsPerYear: number): SizeSpec {
  const [kind, a, b] = text.trim().toLowerCase().split(':');
  switch (kind) {
    case 'cash':
      return { kind: 'cash', amount: number('size', a ?? '', SIZE_HELP) };
    case 'units':
      return { kind: 'units', units: number('size', a ?? '', SIZE_HELP) };
    case 'vol':
      return { kind: 'vol-target', annualVol: number('size', a ?? '', SIZE_HELP), lookback: b === undefined ? 30 : number('size', b, SIZE_HELP), periodsPerYear };
    case 'kelly':
      return { kind: 'kelly', fraction: number('size', a ?? '', SIZE_HELP), minTrades: b === undefined ? 20 : number('size', b, SIZE_HELP) };
    default:
      if (a !== undefined) throw new UserError(`--size "${text}" is not valid: use ${SIZE_HELP}.`);
      return { kind: 'percent', fraction: number('size', kind, SIZE_HELP) };
  }
}

/** A number flag, with the sentence naming the flag when it is not a number. */
export function parseNumberFlag(flag: string, text: string, accepted: string): number {
  return number(flag, text, accepted);
}
