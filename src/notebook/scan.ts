/**
 * Just enough lexing of JavaScript to cut a notebook cell into its top-level statements. The input is
 * esbuild's output, never hand-written code: esbuild reprints every statement on a line of its own, with the
 * bodies of blocks indented, so a statement starts wherever a line begins at bracket depth 0 outside any
 * string, template, comment or regular expression.
 */

/** For each character of `code`: its bracket depth when it is code, -1 inside a literal or a comment. */
export function codeDepths(code: string): Int32Array {
  const depth = new Int32Array(code.length);
  // What each open bracket was: a template's `${` resumes the template when its `}` closes it.
  const stack: ('bracket' | 'template')[] = [];
  let lastSignificant = '';
  let lastWord = '';
  let i = 0;
  const literal = (from: number, to: number) => depth.fill(-1, from, Math.min(to, code.length));

  // A template's text from `start` (just after ` or }) to the closing ` or the next `${`.
  const templateText = (start: number): number => {
    let j = start;
    while (j < code.length) {
      const c = code[j];
      if (c === '\\') { j += 2; continue; }
      if (c === '`') { literal(start, j + 1); return j + 1; }
      if (c === '$' && code[j + 1] === '{') {
        literal(start, j + 2);
        stack.push('template');
        return j + 2;
      }
      j++;
    }
    literal(start, j);
    return j;
  };

  while (i < code.length) {
    const c = code[i];
    const d = stack.length;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < code.length && code[j] !== c && code[j] !== '\n') j += code[j] === '\\' ? 2 : 1;
      literal(i, j + 1);
      i = j + 1;
      lastSignificant = c;
      continue;
    }
    if (c === '`') {
      i = templateText(i + 1);
      lastSignificant = '`';
      continue;
    }
    if (c === '/' && code[i + 1] === '/') {
      const end = code.indexOf('\n', i);
      const j = end < 0 ? code.length : end;
      literal(i, j);
      i = j;
      continue;
    }
    if (c === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2);
      const j = end < 0 ? code.length : end + 2;
      literal(i, j);
      i = j;
      continue;
    }
    if (c === '/' && regexMayStart(lastSignificant, lastWord)) {
      let j = i + 1;
      let inClass = false;
      while (j < code.length && code[j] !== '\n') {
        const r = code[j];
        if (r === '\\') { j += 2; continue; }
        if (r === '[') inClass = true;
        else if (r === ']') inClass = false;
        else if (r === '/' && !inClass) break;
        j++;
      }
      j++;
      while (j < code.length && /[a-z]/i.test(code[j])) j++;
      literal(i, j);
      i = j;
      lastSignificant = ')';
      lastWord = '';
      continue;
    }
    if (c === '(' || c === '[' || c === '{') {
      depth[i] = d;
      stack.push('bracket');
    } else if (c === ')' || c === ']' || c === '}') {
      const kind = stack.pop();
      if (kind === 'template') {
        i = templateText(i);
        lastSignificant = '`';
        continue;
      }
      depth[i] = stack.length;
    } else {
      depth[i] = d;
    }
    if (/[A-Za-z0-9_$]/.test(c)) {
      lastWord = /[A-Za-z0-9_$]/.test(code[i - 1] ?? '') && lastSignificant === 'w' ? lastWord + c : c;
      lastSignificant = 'w';
    } else if (!/\s/.test(c)) {
      lastSignificant = c;
      lastWord = '';
    }
    i++;
  }
  return depth;
}

const KEYWORDS_BEFORE_EXPRESSION = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'instanceof', 'yield', 'await']);

/** A `/` after an operator, an opening bracket or a keyword such as `return` starts a regular expression. */
function regexMayStart(lastSignificant: string, lastWord: string): boolean {
  if (lastSignificant === '') return true;
  if (lastSignificant === 'w') return KEYWORDS_BEFORE_EXPRESSION.has(lastWord);
  return !/[)\]}`'"]/.test(lastSignificant);
}

/** The top-level statements of esbuild's output, each without its trailing newline. */
export function splitStatements(code: string): string[] {
  const depth = codeDepths(code);
  const statements: string[] = [];
  let start = 0;
  for (let i = 0; i < code.length; i++) {
    if (code[i] !== '\n' || depth[i] !== 0) continue;
    const next = code[i + 1];
    // A line opening with a closing bracket (`} else {`, `});`) continues the statement above.
    if (next === undefined || /[\s)\]}]/.test(next)) continue;
    statements.push(code.slice(start, i));
    start = i + 1;
  }
  statements.push(code.slice(start));
  return statements.map((s) => s.trim()).filter((s) => s !== '');
}

/** Positions in `code` of `char` at bracket depth 0, outside literals and comments. */
export function topLevelIndexes(code: string, char: string): number[] {
  const depth = codeDepths(code);
  const found: number[] = [];
  for (let i = 0; i < code.length; i++) if (code[i] === char && depth[i] === 0) found.push(i);
  return found;
}

/** Whether `word` occurs as a whole word in the code of `code` (not in a string or comment). */
export function hasWord(code: string, word: string): boolean {
  const depth = codeDepths(code);
  const pattern = new RegExp(`(?<![A-Za-z0-9_$.])${word}(?![A-Za-z0-9_$])`, 'g');
  for (const match of code.matchAll(pattern)) if (depth[match.index!] >= 0) return true;
  return false;
}
