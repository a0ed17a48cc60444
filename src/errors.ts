/**
 * A problem with what the user asked for or gave us: reported as one sentence, never a stack trace.
 * exitCode 2 = usage (bad flag, bad value), 1 = the work failed (bad file, failed check); a command may
 * document another (data validate: 3 = the check could not run, to tell it from 1 = the data has errors).
 */
export class UserError extends Error {
  readonly code: string;
  readonly exitCode: 1 | 2 | 3;

  constructor(message: string, options: { code?: string; exitCode?: 1 | 2 | 3; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'UserError';
    this.code = options.code ?? 'RRR_USER_ERROR';
    this.exitCode = options.exitCode ?? 2;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/** Levenshtein distance, for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The closest known name to `name`, when it is close enough to be a likely typo. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  for (const candidate of known) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** " Did you mean "x"?" or, when nothing is close, the list of what exists. */
export function suggestion(name: string, known: readonly string[], what: string): string {
  const near = closest(name, known);
  if (near) return ` Did you mean "${near}"?`;
  if (known.length === 0) return ` There are no ${what} yet.`;
  const shown = known.slice(0, 10).map((k) => `"${k}"`).join(', ');
  return ` Known ${what}: ${shown}${known.length > 10 ? ', ...' : ''}.`;
}
