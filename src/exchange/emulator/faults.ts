import type { FaultSpec } from './types.js';

const KINDS = ['rate-limit', 'ban', 'server-error', 'timeout', 'drop'] as const;

/** A fault spec checked field by field (it also arrives as JSON from POST /rrr/fault); RangeError names the field. */
export function checkFault(input: unknown): Required<Omit<FaultSpec, 'path'>> & { path?: string } {
  if (typeof input !== 'object' || input === null) throw new RangeError('A fault is a JSON object such as {"kind":"rate-limit","count":2}.');
  const f = input as Record<string, unknown>;
  if (!KINDS.includes(f.kind as (typeof KINDS)[number])) throw new RangeError(`Unknown fault kind ${JSON.stringify(f.kind)}: use ${KINDS.join(', ')}.`);
  const count = f.count ?? 1;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) throw new RangeError('Fault count must be a whole number, 1 or more.');
  const retryAfter = f.retryAfter ?? 1;
  if (typeof retryAfter !== 'number' || !Number.isInteger(retryAfter) || retryAfter < 0) throw new RangeError('Fault retryAfter must be whole seconds, 0 or more.');
  const status = f.status ?? 503;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 500 || status > 599) throw new RangeError('Fault status must be an HTTP status from 500 to 599.');
  if (f.path !== undefined && (typeof f.path !== 'string' || !f.path.startsWith('/'))) throw new RangeError('Fault path must start with "/", e.g. "/api/v3/order".');
  return { kind: f.kind as FaultSpec['kind'], count, retryAfter, status, ...(f.path === undefined ? {} : { path: f.path as string }) };
}

/** Pending faults, first injected first served; each takes `count` matching requests. */
export class FaultQueue {
  private readonly pending: Array<ReturnType<typeof checkFault>> = [];

  add(fault: FaultSpec): void {
    this.pending.push(checkFault(fault));
  }

  /** The fault this request gets, if any (and one fewer of it left). */
  take(path: string): ReturnType<typeof checkFault> | undefined {
    const k = this.pending.findIndex((f) => f.path === undefined || path.startsWith(f.path));
    if (k < 0) return undefined;
    const fault = this.pending[k];
    if (--fault.count === 0) this.pending.splice(k, 1);
    return fault;
  }
}
