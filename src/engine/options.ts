import type {
  PortfolioOptions,
  ResolvedPortfolioOptions,
  ResolvedSimOptions,
  SimOptions,
  SizeSpec,
  StopSpec,
} from './types.js';

/** Defaults of simulate()'s options. */
export const SIM_DEFAULTS: ResolvedSimOptions = Object.freeze({
  cash: 10_000,
  fill: 'open',
  feeRate: 0,
  fixedFee: 0,
  slippageBps: 0,
  direction: 'long',
  size: Object.freeze({ kind: 'percent', fraction: 1 }),
  lotSize: 0,
  leverage: 1,
  stopLoss: null,
  takeProfit: null,
  trailingStop: null,
  maxHold: 0,
  stopFirst: true,
  closeAtEnd: false,
});

const SIM_KEYS = [
  'cash',
  'fill',
  'feeRate',
  'fixedFee',
  'slippageBps',
  'direction',
  'size',
  'lotSize',
  'leverage',
  'stopLoss',
  'takeProfit',
  'trailingStop',
  'maxHold',
  'stopFirst',
  'closeAtEnd',
];
const PORTFOLIO_KEYS = ['cash', 'fill', 'feeRate', 'fixedFee', 'slippageBps', 'leverage', 'lotSize', 'closeAtEnd', 'rebalanceOn'];

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

function fail(name: string, accepted: string, value: unknown): never {
  throw new RangeError(`${name} must be ${accepted} (got ${show(value)})`);
}

function num(name: string, value: unknown, fallback: number, ok: (v: number) => boolean, accepted: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) fail(name, accepted, value);
  return value;
}

function oneOf<T extends string>(name: string, value: unknown, fallback: T, allowed: readonly T[]): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) fail(name, allowed.map((a) => `'${a}'`).join(' or '), value);
  return value as T;
}

function checkKeys(options: object, keys: readonly string[], what: string): void {
  for (const key of Object.keys(options)) {
    if (!keys.includes(key)) {
      throw new RangeError(`Unknown ${what} option "${key}"; accepted options are ${keys.join(', ')}.`);
    }
  }
}

function flag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(name, 'true or false', value);
  return value;
}

/** A required number: absent is an error too. */
function req(name: string, value: unknown, ok: (v: number) => boolean, accepted: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) fail(name, accepted, value);
  return value;
}

const positive = (v: number) => v > 0;
const nonNegative = (v: number) => v >= 0;
const positiveInt = (v: number) => v >= 1 && Number.isInteger(v);

function resolveSize(value: unknown): SizeSpec {
  if (value === undefined) return SIM_DEFAULTS.size;
  const s = value as Record<string, unknown>;
  const kinds = "{ kind: 'percent' | 'cash' | 'units' | 'vol-target' | 'kelly', ... }";
  if (typeof s !== 'object' || s === null) fail('size', kinds, value);
  switch (s.kind) {
    case 'percent':
      return { kind: 'percent', fraction: num('size.fraction', s.fraction, 1, positive, 'a number > 0') };
    case 'cash':
      return { kind: 'cash', amount: req('size.amount', s.amount, positive, 'a number > 0') };
    case 'units':
      return { kind: 'units', units: req('size.units', s.units, positive, 'a number > 0') };
    case 'vol-target':
      return {
        kind: 'vol-target',
        annualVol: req('size.annualVol', s.annualVol, positive, 'a number > 0'),
        lookback: req('size.lookback', s.lookback, (v) => v >= 2 && Number.isInteger(v), 'an integer >= 2'),
        periodsPerYear: req('size.periodsPerYear', s.periodsPerYear, positive, 'a number > 0'),
      };
    case 'kelly':
      return {
        kind: 'kelly',
        fraction: req('size.fraction', s.fraction, positive, 'a number > 0'),
        minTrades: req('size.minTrades', s.minTrades, (v) => v >= 1 && Number.isInteger(v), 'an integer >= 1'),
        fallbackFraction: num('size.fallbackFraction', s.fallbackFraction, 1, nonNegative, 'a number >= 0'),
      };
    default:
      return fail('size.kind', "'percent', 'cash', 'units', 'vol-target' or 'kelly'", s.kind);
  }
}

function resolveStop(name: string, value: unknown): StopSpec | null {
  if (value === undefined || value === null) return null;
  const s = value as Record<string, unknown>;
  if (typeof s !== 'object') fail(name, "{ kind: 'pct', value } or { kind: 'atr', multiple, period }", value);
  if (s.kind === 'pct') return { kind: 'pct', value: req(`${name}.value`, s.value, positive, 'a number > 0') };
  if (s.kind === 'atr') {
    return {
      kind: 'atr',
      multiple: req(`${name}.multiple`, s.multiple, positive, 'a number > 0'),
      period: req(`${name}.period`, s.period, positiveInt, 'an integer >= 1'),
    };
  }
  return fail(`${name}.kind`, "'pct' or 'atr'", s.kind);
}

/** Applies defaults and validates; throws a RangeError naming the option, the bad value and what is accepted. */
export function resolveSimOptions(options: SimOptions = {}): ResolvedSimOptions {
  checkKeys(options, SIM_KEYS, 'simulate');
  const o = options as Record<string, unknown>;
  return {
    cash: num('cash', o.cash, SIM_DEFAULTS.cash, positive, 'a number > 0'),
    fill: oneOf('fill', o.fill, 'open', ['open', 'close']),
    feeRate: num('feeRate', o.feeRate, 0, (v) => v >= 0 && v < 1, '>= 0 and < 1'),
    fixedFee: num('fixedFee', o.fixedFee, 0, nonNegative, '>= 0'),
    slippageBps: num('slippageBps', o.slippageBps, 0, (v) => v >= 0 && v < 1e4, '>= 0 and < 10000'),
    direction: oneOf('direction', o.direction, 'long', ['long', 'short', 'both']),
    size: resolveSize(o.size),
    lotSize: num('lotSize', o.lotSize, 0, nonNegative, '>= 0 (0 = fractional units)'),
    leverage: num('leverage', o.leverage, 1, positive, 'a number > 0'),
    stopLoss: resolveStop('stopLoss', o.stopLoss),
    takeProfit: resolveStop('takeProfit', o.takeProfit),
    trailingStop: resolveStop('trailingStop', o.trailingStop),
    maxHold: o.maxHold === undefined ? 0 : num('maxHold', o.maxHold, 0, positiveInt, 'an integer >= 1 (bars)'),
    stopFirst: flag('stopFirst', o.stopFirst, true),
    closeAtEnd: flag('closeAtEnd', o.closeAtEnd, false),
  };
}

/** Applies defaults to simulatePortfolio()'s options and validates them like resolveSimOptions(). */
export function resolvePortfolioOptions(options: PortfolioOptions = {}): ResolvedPortfolioOptions {
  checkKeys(options, PORTFOLIO_KEYS, 'simulatePortfolio');
  const o = options as Record<string, unknown>;
  return {
    cash: num('cash', o.cash, 10_000, positive, 'a number > 0'),
    fill: oneOf('fill', o.fill, 'open', ['open', 'close']),
    feeRate: num('feeRate', o.feeRate, 0, (v) => v >= 0 && v < 1, '>= 0 and < 1'),
    fixedFee: num('fixedFee', o.fixedFee, 0, nonNegative, '>= 0'),
    slippageBps: num('slippageBps', o.slippageBps, 0, (v) => v >= 0 && v < 1e4, '>= 0 and < 10000'),
    leverage: num('leverage', o.leverage, 1, positive, 'a number > 0'),
    lotSize: num('lotSize', o.lotSize, 0, nonNegative, '>= 0 (0 = fractional units)'),
    closeAtEnd: flag('closeAtEnd', o.closeAtEnd, false),
    rebalanceOn: oneOf('rebalanceOn', o.rebalanceOn, 'change', ['change', 'every-weight']),
  };
}
