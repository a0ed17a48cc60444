import { describe, expect, it } from 'vitest';
import { killAndResume } from '../helpers/kill.js';

const KILLS = 20;

describe('rrr paper survives kill -9 at random moments', () => {
  it(`${KILLS} SIGKILLs and resumes end with the journal of an uninterrupted run: nothing lost, nothing doubled`, async () => {
    const r = await killAndResume(KILLS, 2026);
    expect(r.kills).toBe(KILLS);
    expect(r.resumes).toBe(KILLS);
    expect(r.got.length).toBe(r.expected.length);
    expect(r.got).toEqual(r.expected);
  }, 240_000);
});
