/**
 * Simulation settings written as text (CLI flags, config files) -> typed SimOptions.
 * Only the syntax is checked here; ranges are checked by resolveSimOptions.
 */
import { UserError } from '../errors.js';
import type { SizeSpec, StopSpec } from './types.js';

/** Plain decimal notation (an exponent allowed); hexadecimal, binary, octal and Infinity are not numbers here. */
export const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

const number = (flag: string, text: string, accepted: string): number => {
  const t = text.trim();
  const percent = t.endsWith('%');
  const digits = percent ? t.slice(0, -1).trim() : t;
  const value = Number(digits);
  if (!DECIMAL.test(digits) || !Number.isFinite(value)) throw new UserError(`--${flag} "${text}" is not valid: use ${accepted}.`);
  return percent ? value / 100 : value;
};

const STOP_HELP = 'a fraction of the fill price such as 0.03 or 3%, or a multiple of ATR such as 2atr or 2atr:20';

/**
 * `0.03` or `3%`: a fraction of the fill price; `2atr` or `2atr:20`: 2 x ATR(14 or 20) at the signal bar.
 * A bare number of 1 or more is refused: `--stop-loss 5` would be 500%, and 5% was surely meant.
 */
export function parseStop(flag: string, text: string): StopSpec {
  const atr = /^\s*(\d+(?:\.\d+)?)\s*atr(?::(\d+))?\s*$/i.exec(text);
  if (atr) return { kind: 'atr', multiple: Number(atr[1]), period: atr[2] === undefined ? 14 : Number(atr[2]) };
  const value = number(flag, text, STOP_HELP);
  if (value >= 1 && !text.trim().endsWith('%')) {
    throw new UserError(`--${flag} ${text.trim()} is ${formatPercent(value)} of the fill price (write ${formatPercent(value)} if that is meant); did you mean ${text.trim()}%?`);
  }
  return { kind: 'pct', value };
}

const formatPercent = (fraction: number) => `${Number((fraction * 100).toPrecision(12))}%`;

const SIZE_HELP = 'a fraction of equity (1, 0.5 or 50%), cash:AMOUNT, units:N, vol:ANNUAL_VOL[:LOOKBACK] or kelly:FRACTION[:MIN_TRADES]';

/** How many fields after the kind each --size form takes. */
const SIZE_FIELDS: Record<string, [min: number, max: number, form: string]> = {
  cash: [1, 1, 'cash:AMOUNT'],
  units: [1, 1, 'units:N'],
  vol: [1, 2, 'vol:ANNUAL_VOL[:LOOKBACK]'],
  kelly: [1, 2, 'kelly:FRACTION[:MIN_TRADES]'],
};

/** --size: fraction of equity (default 1 = all), fixed cash, fixed units, volatility target or fractional Kelly. */
export function parseSize(text: string, periodsPerYear: number): SizeSpec {
  const [kind, ...fields] = text.trim().toLowerCase().split(':');
  const shape = SIZE_FIELDS[kind];
  if (shape && (fields.length < shape[0] || fields.length > shape[1])) {
    throw new UserError(`--size "${text}" has ${fields.length} field${fields.length === 1 ? '' : 's'} after "${kind}:": write ${shape[2]}.`);
  }
  const [a, b] = fields;
  switch (kind) {
    case 'cash':
      return { kind: 'cash', amount: number('size', a, SIZE_HELP) };
    case 'units':
      return { kind: 'units', units: number('size', a, SIZE_HELP) };
    case 'vol':
      return { kind: 'vol-target', annualVol: number('size', a, SIZE_HELP), lookback: b === undefined ? 30 : number('size', b, SIZE_HELP), periodsPerYear };
    case 'kelly':
      return { kind: 'kelly', fraction: number('size', a, SIZE_HELP), minTrades: b === undefined ? 20 : number('size', b, SIZE_HELP) };
    default:
      if (fields.length > 0) throw new UserError(`--size "${text}" is not valid: use ${SIZE_HELP}.`);
      return { kind: 'percent', fraction: number('size', kind, SIZE_HELP) };
  }
}

/** A number flag, with the sentence naming the flag when it is not a number. */
export function parseNumberFlag(flag: string, text: string, accepted: string): number {
  return number(flag, text, accepted);
}
