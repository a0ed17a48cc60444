import { describe, expect, it } from 'vitest';
import { rrr } from '../helpers/cli.js';

// oclif prints a missing or extra argument as several lines and the help page; rrr says it in one sentence.
describe('usage errors are one sentence, exit 2', () => {
  const cases: Array<[string[], string]> = [
    [['runs', 'show'], 'Error: rrr runs show needs ID, run id (see rrr runs list): see "rrr runs show --help".'],
    [['runs', 'show', '1', '2'], 'Error: rrr runs show does not take "2": see "rrr runs show --help" for what it takes.'],
    [['portfolio', '--symbol', 'A'], 'Error: rrr portfolio needs --method: see "rrr portfolio --help".'],
  ];
  for (const [argv, sentence] of cases) {
    it(`rrr ${argv.join(' ')}`, () => {
      const r = rrr(argv);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim()).toBe(sentence);
    });
  }

  it('--json gets the same as an object', () => {
    const r = rrr(['report', '--json']);
    expect(r.status).toBe(2);
    expect(r.json()).toEqual({ error: { code: 'RRR_MISSING_ARGUMENT', message: 'rrr report needs ID, run id (see rrr runs list): see "rrr report --help".' } });
  });
});
