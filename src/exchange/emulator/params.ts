import type { Timeframe } from '../../data/timeframe.js';
import { BinanceError, ERR } from './signing.js';
import type { Market } from './matching.js';

/** What a handler sees: the merged query and body parameters. */
export type Params = URLSearchParams;
export interface Route {
  signed: boolean;
  handle(params: Params): unknown;
}

export interface RouteContext {
  market: Market;
  symbolId: string;
  interval: string;
  timeframe: Timeframe;
}

export function number(params: Params, name: string, required: true): number;
export function number(params: Params, name: string, required?: false): number | undefined;
export function number(params: Params, name: string, required = false): number | undefined {
  const text = params.get(name);
  if (text === null || text === '') {
    if (required) throw ERR.mandatory(name);
    return undefined;
  }
  const value = Number(text);
  if (!/^-?\d+(\.\d+)?$/.test(text.trim()) || !Number.isFinite(value)) throw ERR.illegal(name);
  return value;
}

export function limitParam(params: Params, fallback: number, max: number): number {
  const limit = number(params, 'limit') ?? fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw new BinanceError(400, -1100, `Illegal characters found in parameter 'limit'; legal range is '1' to '${max}'.`);
  return limit;
}
