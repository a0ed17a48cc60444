/**
 * The risk guard's settings, and their parsing from the text of `rrr paper`/`rrr live` flags. Plain JSON so
 * a run's config (RunConfig.risk) holds them and `--resume` reads them back through `riskConfigFromJson`.
 */
import { parseTimeframe } from '../data/timeframe.js';
import { UserError } from '../errors.js';

/** A number of closed bars, or a span of time. */
export type RiskLength = { readonly kind: 'bars'; readonly bars: number } | { readonly kind: 'duration'; readonly ms: number; readonly text: string };

/** A loss in quote currency, or a fraction of the equity the UTC day started with. */
export type LossLimit = { readonly kind: 'cash'; readonly amount: number } | { readonly kind: 'fraction'; readonly fraction: number };

/** Every limit is off when absent. */
export interface RiskConfig {
  /** Largest absolute position, base units. */
  readonly maxPosition?: number;
  /** Largest absolute position value at the reference price, quote currency. */
  readonly maxPositionNotional?: number;
  /** Largest value of one entry order, quote currency. */
  readonly maxOrderNotional?: number;
  /** Most orders in any 60 s (sliding window). */
  readonly maxOrdersPerMinute?: number;
  /** Loss since the UTC day began that stops new entries until the next UTC day. */
  readonly dailyLossLimit?: LossLimit;
  /** Drawdown from peak equity (a fraction, 0.2 = 20%) that halts the run. */
  readonly maxDrawdown?: number;
  /** No new entries for this long after a stop-loss fill. */
  readonly cooldown?: RiskLength;
  /** No new entries while `count` stop-losses filled within `period`. */
  readonly maxStops?: { readonly count: number; readonly period: RiskLength };
  /** A model the strategy runs older than this (ms since its rrr.createdAt, on the wall clock) is refused. */
  readonly maxModelAge?: { readonly ms: number; readonly text: string };
  /** Drift of a model's recent features from its training profile (always checked; these change how). */
  readonly drift?: DriftConfig;
}

/** Every field has a default (see DRIFT_DEFAULTS) when absent. */
export interface DriftConfig {
  /** Recent bars compared with the training profile. */
  readonly window?: number;
  /** Drift is PSI above this and a KS p-value below ksPValue, both. */
  readonly psi?: number;
  /** Drift is a KS p-value below this and PSI above psi, both. */
  readonly ksPValue?: number;
  /** 'halt': no new entries while any feature drifts; 'warn': a journal note and status only. */
  readonly action?: 'warn' | 'halt';
}

export const DRIFT_DEFAULTS = { window: 250, psi: 0.25, ksPValue: 0.01, action: 'warn' } as const;

/** The flags' text, by flag name (absent = not given). */
export interface RiskFlagText {
  readonly 'max-position'?: string;
  readonly 'max-position-notional'?: string;
  readonly 'max-order-notional'?: string;
  readonly 'max-orders-per-minute'?: string;
  readonly 'daily-loss-limit'?: string;
  readonly 'max-drawdown'?: string;
  readonly cooldown?: string;
  readonly 'max-stops'?: string;
  readonly 'max-model-age'?: string;
  readonly 'drift-window'?: string;
  readonly 'drift-psi'?: string;
  readonly 'drift-ks-p'?: string;
  readonly 'on-drift'?: string;
}

const DECIMAL = /^\+?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

const bad = (flag: string, text: string, accepted: string) => new UserError(`--${flag} "${text}" is not valid: use ${accepted}.`, { code: 'RRR_BAD_RISK_FLAG' });

/** A number greater than 0 (a negative, zero, hexadecimal or infinite value is refused). */
function positive(flag: string, text: string, accepted: string): number {
  const t = text.trim();
  const value = Number(t);
  if (!DECIMAL.test(t) || !Number.isFinite(value) || value <= 0) throw bad(flag, text, accepted);
  return value;
}

function wholeCount(flag: string, text: string, accepted: string): number {
  const value = positive(flag, text, accepted);
  if (!Number.isSafeInteger(value)) throw bad(flag, text, accepted);
  return value;
}

const LENGTH = 'a number of bars (3 or 3b) or a duration (30m, 4h, 1d)';

/** `3`, `3b`, `3bars`: closed bars; `30m`, `4h`, `1d`, `1w`: a span of time. Months are refused: not a fixed span. */
export function parseRiskLength(flag: string, text: string, accepted = LENGTH): RiskLength {
  const t = text.trim();
  const bars = /^(\d+)\s*(?:b|bars?)?$/i.exec(t);
  if (bars) return { kind: 'bars', bars: wholeCount(flag, bars[1], accepted) };
  if (/mo$/i.test(t)) throw bad(flag, text, accepted);
  try {
    const span = parseTimeframe(t);
    return { kind: 'duration', ms: span.ms, text: span.label };
  } catch {
    throw bad(flag, text, accepted);
  }
}

/** `500`: cash; `5%`: a fraction of the day's starting equity (more than 0, less than 100%). */
function parseLossLimit(flag: string, text: string): LossLimit {
  const accepted = 'an amount of quote currency such as 500, or a percentage of the day\'s starting equity such as 5%';
  const t = text.trim();
  if (!t.endsWith('%')) return { kind: 'cash', amount: positive(flag, t, accepted) };
  const percent = positive(flag, t.slice(0, -1), accepted);
  if (percent >= 100) throw bad(flag, text, accepted);
  return { kind: 'fraction', fraction: percent / 100 };
}

/** `20%` or `0.2`; a bare 1 or more is refused (20 would be 2000%: 20% was surely meant). */
function parseDrawdown(flag: string, text: string): number {
  const accepted = 'a percentage of peak equity such as 20% (or the fraction 0.2), below 100%';
  const t = text.trim();
  const percent = t.endsWith('%');
  const value = positive(flag, percent ? t.slice(0, -1) : t, accepted);
  if (!percent && value >= 1) throw new UserError(`--${flag} ${t} would be ${Number((value * 100).toPrecision(12))}% of peak equity: write ${t}% if a percentage is meant, or a fraction below 1.`, { code: 'RRR_BAD_RISK_FLAG' });
  const fraction = percent ? value / 100 : value;
  if (fraction >= 1) throw bad(flag, text, accepted);
  return fraction;
}

/** `3/1d`, `3/24h`: at most 3 stop-losses in any day; `2/50`: in any 50 bars. */
function parseMaxStops(flag: string, text: string): NonNullable<RiskConfig['maxStops']> {
  const accepted = 'COUNT/PERIOD such as 3/1d, 3/24h or 2/50 (stop-losses within a duration or a number of bars)';
  const parts = text.split('/');
  if (parts.length !== 2) throw bad(flag, text, accepted);
  try {
    return { count: wholeCount(flag, parts[0], accepted), period: parseRiskLength(flag, parts[1], accepted) };
  } catch {
    throw bad(flag, text, accepted);
  }
}

/** A duration such as 30d or 12h (bars mean nothing for a model's age). */
function parseModelAge(flag: string, text: string): NonNullable<RiskConfig['maxModelAge']> {
  const accepted = 'a duration such as 30d, 12h or 2w';
  const length = parseRiskLength(flag, text, accepted);
  if (length.kind !== 'duration') throw bad(flag, text, accepted);
  return { ms: length.ms, text: length.text };
}

/** A p-value threshold: more than 0, less than 1. */
function probability(flag: string, text: string): number {
  const accepted = 'a p-value threshold above 0 and below 1 such as 0.01';
  const value = positive(flag, text, accepted);
  if (value >= 1) throw bad(flag, text, accepted);
  return value;
}

/** The guard's settings from the flags' text; one-sentence UserError (exit 2) naming the flag otherwise. */
export function parseRiskConfig(text: RiskFlagText): RiskConfig {
  const config: { -readonly [K in keyof RiskConfig]: RiskConfig[K] } = {};
  const given = (flag: keyof RiskFlagText) => text[flag] !== undefined;
  if (given('max-position')) config.maxPosition = positive('max-position', text['max-position']!, 'a number of base units greater than 0 such as 0.5');
  if (given('max-position-notional')) config.maxPositionNotional = positive('max-position-notional', text['max-position-notional']!, 'an amount of quote currency greater than 0 such as 50000');
  if (given('max-order-notional')) config.maxOrderNotional = positive('max-order-notional', text['max-order-notional']!, 'an amount of quote currency greater than 0 such as 10000');
  if (given('max-orders-per-minute')) config.maxOrdersPerMinute = wholeCount('max-orders-per-minute', text['max-orders-per-minute']!, 'a whole number of orders, 1 or more, such as 10');
  if (given('daily-loss-limit')) config.dailyLossLimit = parseLossLimit('daily-loss-limit', text['daily-loss-limit']!);
  if (given('max-drawdown')) config.maxDrawdown = parseDrawdown('max-drawdown', text['max-drawdown']!);
  if (given('cooldown')) config.cooldown = parseRiskLength('cooldown', text.cooldown!);
  if (given('max-stops')) config.maxStops = parseMaxStops('max-stops', text['max-stops']!);
  if (given('max-model-age')) config.maxModelAge = parseModelAge('max-model-age', text['max-model-age']!);
  const drift: { -readonly [K in keyof DriftConfig]: DriftConfig[K] } = {};
  if (given('drift-window')) drift.window = wholeCount('drift-window', text['drift-window']!, 'a whole number of bars, 20 or more, such as 250');
  if (drift.window !== undefined && drift.window < 20) throw bad('drift-window', text['drift-window']!, 'a whole number of bars, 20 or more, such as 250');
  if (given('drift-psi')) drift.psi = positive('drift-psi', text['drift-psi']!, 'a population stability index greater than 0 such as 0.25');
  if (given('drift-ks-p')) drift.ksPValue = probability('drift-ks-p', text['drift-ks-p']!);
  if (given('on-drift')) {
    const action = text['on-drift']!.trim().toLowerCase();
    if (action !== 'warn' && action !== 'halt') throw bad('on-drift', text['on-drift']!, 'warn (a note and rrr status) or halt (no new entries while a feature drifts)');
    drift.action = action;
  }
  if (Object.keys(drift).length > 0) config.drift = drift;
  return config;
}

const isPositive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;
const isCount = (x: unknown): x is number => isPositive(x) && Number.isSafeInteger(x);

function isLength(x: unknown): x is RiskLength {
  const l = x as RiskLength | null;
  return typeof l === 'object' && l !== null && ((l.kind === 'bars' && isCount(l.bars)) || (l.kind === 'duration' && isPositive(l.ms) && typeof l.text === 'string'));
}

/**
 * A RiskConfig read back from a run's journal (RunConfig.risk), checked field by field: a journal edited by
 * hand or written by another version is refused with one sentence rather than run with limits it did not mean.
 */
export function riskConfigFromJson(value: unknown): RiskConfig {
  const refuse = (field: string) => new UserError(`The run's risk settings have an invalid "${field}": start a new run with the risk flags instead of resuming this one.`, { code: 'RRR_BAD_RISK_CONFIG', exitCode: 1 });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw refuse('risk');
  const v = value as Record<string, unknown>;
  const known = ['maxPosition', 'maxPositionNotional', 'maxOrderNotional', 'maxOrdersPerMinute', 'dailyLossLimit', 'maxDrawdown', 'cooldown', 'maxStops', 'maxModelAge', 'drift'];
  for (const key of Object.keys(v)) if (!known.includes(key)) throw refuse(key);
  for (const key of ['maxPosition', 'maxPositionNotional', 'maxOrderNotional'] as const) if (v[key] !== undefined && !isPositive(v[key])) throw refuse(key);
  if (v.maxOrdersPerMinute !== undefined && !isCount(v.maxOrdersPerMinute)) throw refuse('maxOrdersPerMinute');
  if (v.maxDrawdown !== undefined && !(isPositive(v.maxDrawdown) && v.maxDrawdown < 1)) throw refuse('maxDrawdown');
  const loss = v.dailyLossLimit as LossLimit | undefined;
  if (loss !== undefined && !(typeof loss === 'object' && loss !== null && ((loss.kind === 'cash' && isPositive(loss.amount)) || (loss.kind === 'fraction' && isPositive(loss.fraction) && loss.fraction < 1)))) throw refuse('dailyLossLimit');
  if (v.cooldown !== undefined && !isLength(v.cooldown)) throw refuse('cooldown');
  const stops = v.maxStops as RiskConfig['maxStops'];
  if (stops !== undefined && !(typeof stops === 'object' && stops !== null && isCount(stops.count) && isLength(stops.period))) throw refuse('maxStops');
  const age = v.maxModelAge as RiskConfig['maxModelAge'];
  if (age !== undefined && !(typeof age === 'object' && age !== null && isPositive(age.ms) && typeof age.text === 'string')) throw refuse('maxModelAge');
  const drift = v.drift as DriftConfig | undefined;
  if (drift !== undefined) {
    if (typeof drift !== 'object' || drift === null) throw refuse('drift');
    if (drift.window !== undefined && !(isCount(drift.window) && drift.window >= 20)) throw refuse('drift.window');
    if (drift.psi !== undefined && !isPositive(drift.psi)) throw refuse('drift.psi');
    if (drift.ksPValue !== undefined && !(isPositive(drift.ksPValue) && drift.ksPValue < 1)) throw refuse('drift.ksPValue');
    if (drift.action !== undefined && drift.action !== 'warn' && drift.action !== 'halt') throw refuse('drift.action');
  }
  return v as RiskConfig;
}

const lengthText = (l: RiskLength) => (l.kind === 'bars' ? `${l.bars} bar${l.bars === 1 ? '' : 's'}` : l.text);

/** One line per limit that is on, for `rrr paper` to print and `rrr status` to show. */
export function describeRiskConfig(config: RiskConfig): string[] {
  const lines: string[] = [];
  if (config.maxPosition !== undefined) lines.push(`max position: ${config.maxPosition} units`);
  if (config.maxPositionNotional !== undefined) lines.push(`max position notional: ${config.maxPositionNotional}`);
  if (config.maxOrderNotional !== undefined) lines.push(`max order notional: ${config.maxOrderNotional}`);
  if (config.maxOrdersPerMinute !== undefined) lines.push(`max orders per minute: ${config.maxOrdersPerMinute}`);
  const loss = config.dailyLossLimit;
  if (loss) lines.push(`daily loss limit: ${loss.kind === 'cash' ? loss.amount : `${Number((loss.fraction * 100).toPrecision(12))}% of the day's starting equity`}`);
  if (config.maxDrawdown !== undefined) lines.push(`max drawdown: ${Number((config.maxDrawdown * 100).toPrecision(12))}% from peak equity`);
  if (config.cooldown) lines.push(`cooldown after a stop-loss: ${lengthText(config.cooldown)}`);
  if (config.maxStops) lines.push(`max stop-losses: ${config.maxStops.count} per ${lengthText(config.maxStops.period)}`);
  if (config.maxModelAge) lines.push(`max model age: ${config.maxModelAge.text}`);
  if (config.drift) {
    const d = { ...DRIFT_DEFAULTS, ...config.drift };
    lines.push(`model drift: PSI > ${d.psi} and KS p < ${d.ksPValue} over the last ${d.window} bars ${d.action === 'halt' ? 'halts new entries' : 'warns'}`);
  }
  return lines;
}

export { lengthText as describeRiskLength };
