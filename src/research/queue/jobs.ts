/**
 * A queue job: a batch of trials of one sweep, and its result. A job's id is a hash of everything that
 * decides its result (data, code, settings, range, trials), so the same batch enqueued twice (a coordinator
 * restarted with --resume) is one job, run once, and a redelivered job can only produce the same numbers.
 */
import { createHash } from 'node:crypto';
import { packOutputs, unpackOutputs } from '../sweep/packed-results.js';
import type { BarRange, SweepSpec, TrialInput, TrialOutput } from '../sweep/types.js';

export const JOB_NAME = 'trials';

export interface TrialJob {
  /** Format version: a worker refuses jobs of another format. */
  format: 1;
  /** Which study the batch belongs to (shown by rrr queue status; another study's jobs are refused). */
  study: string;
  /** SHA-256 of the published bars (data.ts). */
  data: string;
  rrrVersion: string;
  /** strategyFingerprint(spec.strategy) on the coordinator. */
  code: string;
  spec: SweepSpec;
  range: BarRange;
  trials: TrialInput[];
}

export interface TrialJobResult {
  /** packOutputs' numbers, as base64 of their little-endian bytes: bit for bit. */
  numbers: string;
  errors?: (string | null)[];
  /** Milliseconds the batch took on its worker (batch sizing). */
  ms: number;
  worker: string;
}

/** A job's id, for any kind of job: the hash of everything in it but the study's name. */
export function jobId<J extends { study: string }>(job: J): string {
  const { study: _study, ...decisive } = job;
  return createHash('sha256').update(JSON.stringify(decisive)).digest('hex').slice(0, 40);
}

export function encodeResult(spec: SweepSpec, outputs: readonly TrialOutput[], ms: number, worker: string): TrialJobResult {
  const packed = packOutputs(spec, outputs);
  return { numbers: Buffer.from(packed.numbers.buffer, packed.numbers.byteOffset, packed.numbers.byteLength).toString('base64'), ...(packed.errors ? { errors: packed.errors } : {}), ms, worker };
}

export function decodeResult(spec: SweepSpec, result: TrialJobResult): TrialOutput[] {
  const bytes = new Uint8Array(Buffer.from(result.numbers, 'base64'));
  return unpackOutputs(spec, { numbers: new Float64Array(bytes.buffer), ...(result.errors ? { errors: result.errors } : {}) });
}
