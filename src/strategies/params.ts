import { UserError, suggestion } from '../errors.js';

/** One declared parameter: its default, and the range or choices an optimizer may search. */
export type ParamSpec =
  | { readonly kind: 'int'; readonly default: number; readonly min: number; readonly max: number; readonly step?: number; readonly description?: string }
  | { readonly kind: 'float'; readonly default: number; readonly min: number; readonly max: number; readonly step?: number; readonly description?: string }
  | { readonly kind: 'choice'; readonly default: string; readonly options: readonly string[]; readonly description?: string; readonly free?: boolean }
  | { readonly kind: 'bool'; readonly default: boolean; readonly description?: string };

export type ParamSchema = Readonly<Record<string, ParamSpec>>;

/** The typed values of a schema: numbers for int/float, strings for choice, booleans for bool. */
export type ParamValues<S extends ParamSchema> = {
  -readonly [K in keyof S]: S[K] extends { kind: 'int' | 'float' } ? number : S[K] extends { kind: 'choice' } ? string : boolean;
};

type RangeOptions = { min: number; max: number; step?: number; description?: string };

export function int(defaultValue: number, options: RangeOptions) {
  return { kind: 'int', default: defaultValue, ...options } as const;
}
export function float(defaultValue: number, options: RangeOptions) {
  return { kind: 'float', default: defaultValue, ...options } as const;
}
export function choice(defaultValue: string, options: readonly string[], description?: string) {
  return { kind: 'choice', default: defaultValue, options, description } as const;
}
/**
 * Free text, such as the path of a model file: any non-empty value is accepted (`--param model=PATH`). It
 * is a choice whose only listed option is its default, so a search keeps it fixed unless --param or
 * `--grid model=a.onnx,b.onnx` lists others.
 */
export function text(defaultValue: string, description?: string) {
  return { kind: 'choice', default: defaultValue, options: [defaultValue], free: true, description } as const;
}
export function bool(defaultValue: boolean, description?: string) {
  return { kind: 'bool', default: defaultValue, description } as const;
}

function describeRange(spec: ParamSpec): string {
  if (spec.kind === 'int') return `an integer from ${spec.min} to ${spec.max}`;
  if (spec.kind === 'float') return `a number from ${spec.min} to ${spec.max}`;
  if (spec.kind === 'choice') return spec.free ? 'any non-empty text' : `one of ${spec.options.join(', ')}`;
  return 'true or false';
}

/** Checks one value against its spec; returns the parsed value or throws a one-sentence UserError. */
export function parseParamValue(strategy: string, name: string, spec: ParamSpec, raw: unknown): number | string | boolean {
  const bad = (shown: unknown, how = '') =>
    new UserError(`${strategy}: parameter ${name}=${String(shown)} is not valid: use ${describeRange(spec)}${how}.`, { code: 'RRR_BAD_PARAM' });
  if (spec.kind === 'bool') {
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw bad(raw);
  }
  if (spec.kind === 'choice') {
    if (typeof raw === 'string' && (spec.free ? raw.trim() !== '' : spec.options.includes(raw))) return raw;
    throw bad(raw);
  }
  // Text is read as plain decimals only: an int is digits (10, not 1e1, 10.0 or 0x10), a float may have a
  // fraction and an exponent; Number() alone would take hexadecimal, binary and octal too.
  const syntax = spec.kind === 'int' ? /^[+-]?\d+$/ : /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && syntax.test(raw.trim()) ? Number(raw) : NaN;
  const unplain = typeof raw === 'string' && Number.isNaN(value) && raw.trim() !== '' && (spec.kind === 'int' ? Number.isInteger(Number(raw)) : Number.isFinite(Number(raw)));
  if (unplain) throw bad(raw, spec.kind === 'int' ? ', in plain decimal digits' : ', in decimal notation');
  if (!Number.isFinite(value) || (spec.kind === 'int' && !Number.isInteger(value)) || value < spec.min || value > spec.max) throw bad(raw);
  return value;
}

/**
 * The full, validated parameter set: defaults overridden by `given` (strings from the CLI or typed values
 * from code). Unknown names get a "did you mean".
 */
export function resolveParams<S extends ParamSchema>(strategy: string, schema: S, given: Readonly<Record<string, unknown>> = {}): ParamValues<S> {
  const names = Object.keys(schema);
  for (const name of Object.keys(given)) {
    if (!(name in schema)) {
      throw new UserError(`${strategy} has no parameter "${name}".${suggestion(name, names, 'parameters').replace(/ Known parameters:/, ' Its parameters are:')}`, { code: 'RRR_UNKNOWN_PARAM' });
    }
  }
  const values: Record<string, number | string | boolean> = {};
  for (const name of names) values[name] = given[name] === undefined ? schema[name].default : parseParamValue(strategy, name, schema[name], given[name]);
  return values as ParamValues<S>;
}

/** `--param fast=10 --param slow=50` as a name -> text map; a malformed entry is a usage error. */
export function parseParamFlags(entries: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const match = /^\s*([A-Za-z_][\w-]*)\s*=\s*(.*?)\s*$/.exec(entry);
    if (!match || match[2] === '') throw new UserError(`--param "${entry}" is not NAME=VALUE: write it like --param fast=10.`);
    out[match[1]] = match[2];
  }
  return out;
}
