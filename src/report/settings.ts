/**
 * A run's settings as sentences, for the backtest report and `rrr runs show` alike: `size 100% of equity
 * (fees reserved)`, `stop-loss 2% below the fill`, never `{kind:percent,fraction:1}`. It reads the settings
 * as recorded with the run (plain JSON), so runs recorded before a field existed still render.
 */
import { formatNumber } from './table.js';

/** What a run records as its settings: the simulation's resolved options plus how the run was set up. */
export interface RecordedSettings {
  cash?: number;
  fill?: string;
  feeRate?: number;
  fixedFee?: number;
  slippageBps?: number;
  direction?: string;
  size?: Record<string, unknown>;
  lotSize?: number;
  leverage?: number;
  stopLoss?: Record<string, unknown> | null;
  takeProfit?: Record<string, unknown> | null;
  trailingStop?: Record<string, unknown> | null;
  maxHold?: number;
  stopFirst?: boolean;
  closeAtEnd?: boolean;
  periodsPerYear?: number;
  /** Why that many periods per year ("weekday calendar detected: ...", "--periods-per-year"). */
  periodsPerYearReason?: string;
  /** What the strategy implied (its simDefaults), by option. */
  implied?: Record<string, unknown>;
  /** Options the user set explicitly over what the strategy implied. */
  overridden?: string[];
  /** How several series were aligned on one time index. */
  align?: string;
  riskFreeRate?: number;
}

/** Option -> the flag that sets it, so an overridden value names what replaced it. */
const FLAG: Record<string, string> = {
  size: '--size', stopLoss: '--stop-loss', takeProfit: '--take-profit', trailingStop: '--trailing-stop', maxHold: '--max-hold',
  direction: '--direction', leverage: '--leverage', lotSize: '--lot-size', fill: '--fill', cash: '--cash',
  feeRate: '--fees', fixedFee: '--fixed-fee', slippageBps: '--slippage', stopFirst: '--target-first',
};

const pct = (fraction: unknown) => `${formatNumber(Number((Number(fraction) * 100).toPrecision(12)))}%`;
const num = (x: unknown) => (typeof x === 'number' ? formatNumber(x) : String(x));

/** A size spec in words. */
export function describeSize(size: Record<string, unknown> | undefined | null, leverage = 1): string {
  if (!size) return 'size 100% of equity (fees reserved)';
  switch (size.kind) {
    case 'percent':
      return `size ${pct(size.fraction)} of equity (fees reserved)`;
    case 'cash':
      return `size ${num(size.amount)} in cash per position (fees reserved)`;
    case 'units':
      return `size ${num(size.units)} units per position`;
    case 'vol-target':
      return `size to a volatility target of ${pct(size.annualVol)} a year (realized over ${num(size.lookback)} bars), at most ${num(leverage)} x equity`;
    case 'kelly':
      return `kelly ${num(size.fraction)} after ${num(size.minTrades)} closed trades, ${pct(size.fallbackFraction ?? 1)} of equity before`;
    default:
      return `size ${JSON.stringify(size)}`;
  }
}

/** Which way a stop or target sits from the fill, for the direction traded. */
function side(kind: 'stop' | 'target', direction: string | undefined): string {
  const longSide = kind === 'stop' ? 'below' : 'above';
  const shortSide = kind === 'stop' ? 'above' : 'below';
  if (direction === 'short') return `${shortSide} the fill`;
  if (direction === 'both') return `${longSide} the fill for longs, ${shortSide} for shorts`;
  return `${longSide} the fill`;
}

const stopDistance = (stop: Record<string, unknown>) => (stop.kind === 'atr' ? `${num(stop.multiple)} x ATR(${num(stop.period)})` : pct(stop.value));

/** A stop, target or trailing distance in words, e.g. "2% below the fill" or "2 x ATR(20) below the fill". */
export function describeStop(name: 'stop-loss' | 'take-profit' | 'trailing stop', stop: Record<string, unknown> | null | undefined, direction?: string): string {
  if (!stop) return `no ${name}`;
  const distance = stopDistance(stop);
  if (name === 'trailing stop') {
    const from = direction === 'short' ? 'the lowest low' : direction === 'both' ? 'the best price' : 'the highest high';
    return `trailing stop ${distance} from ${from} since the fill`;
  }
  return `${name} ${distance} ${side(name === 'stop-loss' ? 'stop' : 'target', direction)}`;
}

/** " (--stop-loss; overrides the strategy's 2 x ATR(20))" or " (set by the strategy)" or "". */
function provenance(s: RecordedSettings, key: string, describeImplied: (v: unknown) => string): string {
  const implied = s.implied?.[key];
  if (implied === undefined || implied === null) return '';
  if (s.overridden?.includes(key)) return ` (${FLAG[key] ?? key}; overrides the strategy's ${describeImplied(implied)})`;
  return ' (set by the strategy)';
}

/** A size in a few words, for what an explicit --size replaced. */
function sizeShort(size: Record<string, unknown>): string {
  if (size.kind === 'percent') return `${pct(size.fraction)} of equity`;
  if (size.kind === 'cash') return `${num(size.amount)} in cash`;
  if (size.kind === 'units') return `${num(size.units)} units`;
  if (size.kind === 'vol-target') return `volatility target of ${pct(size.annualVol)} a year`;
  if (size.kind === 'kelly') return `kelly ${num(size.fraction)}`;
  return JSON.stringify(size);
}

/** The settings block as [label, sentence] pairs. */
export function describeSettings(s: RecordedSettings): [string, string][] {
  const out: [string, string][] = [];
  out.push(['Fill', s.fill === 'close' ? "at the signal bar's close (--fill close)" : "at the next bar's open"]);
  out.push(['Costs', `fees ${pct(s.feeRate ?? 0)} of notional + ${num(s.fixedFee ?? 0)} per order, slippage ${num(s.slippageBps ?? 0)} bps`]);
  const signalStrategy = s.direction !== undefined;
  const leverage = s.leverage ?? 1;
  if (signalStrategy) {
    const direction = s.direction === 'both' ? 'long and short' : `${s.direction} only`;
    const size = describeSize(s.size, leverage) + provenance(s, 'size', (v) => sizeShort(v as Record<string, unknown>));
    out.push(['Trading', `${direction}; ${size}`]);
  } else {
    out.push(['Trading', 'target weights set by the strategy'] as [string, string]);
  }
  out.push(['Units', `${s.lotSize ? `rounded down to lots of ${num(s.lotSize)}` : 'fractional'}; ${leverage === 1 ? 'no leverage (at most 1 x equity)' : `leverage up to ${num(leverage)} x equity`}`]);
  if (signalStrategy) {
    const exits: string[] = [];
    const stop = (name: 'stop-loss' | 'take-profit' | 'trailing stop', key: 'stopLoss' | 'takeProfit' | 'trailingStop') => {
      const value = s[key];
      if (!value && !(s.implied?.[key])) return;
      exits.push(describeStop(name, value, s.direction) + provenance(s, key, (v) => stopDistance(v as Record<string, unknown>)));
    };
    stop('stop-loss', 'stopLoss');
    stop('take-profit', 'takeProfit');
    stop('trailing stop', 'trailingStop');
    if (s.maxHold) exits.push(`exit after ${num(s.maxHold)} bars held${provenance(s, 'maxHold', (v) => `${num(v)} bars`)}`);
    if (s.stopLoss && s.takeProfit) exits.push(`${s.stopFirst === false ? 'target' : 'stop'} assumed first when both are inside one bar`);
    out.push(['Exits', exits.length === 0 ? 'on the strategy\'s signals only' : `on signals; ${exits.join('; ')}`]);
  }
  out.push(['At the end', s.closeAtEnd ? 'a position still open is closed on the last bar, with exit costs (--close-at-end)' : 'a position still open is marked to the last close and reported apart, not closed (--close-at-end closes it)']);
  if (s.align) out.push(['Alignment', s.align === 'union' ? 'union of the symbols\' times (--align union)' : 'intersection: only times every symbol has (default; --align union keeps all)']);
  out.push(['Cash', num(s.cash ?? 10_000)]);
  if (s.periodsPerYear !== undefined) out.push(['Periods per year', `${num(s.periodsPerYear)}${s.periodsPerYearReason ? ` (${s.periodsPerYearReason})` : ''}`]);
  if (s.riskFreeRate) out.push(['Risk-free rate', `${pct(s.riskFreeRate)} a year`]);
  return out;
}
