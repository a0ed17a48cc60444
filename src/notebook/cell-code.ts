import { hasWord, splitStatements, topLevelIndexes } from './scan.js';

/**
 * One step of a cell, run as a script in the notebook's one global scope: a script's top-level `const`,
 * `let`, `class` and `function` stay visible to every later script, which is what lets cell 3 see cell 1.
 * Scripts cannot `await`, so a statement that awaits runs as an async function whose value the kernel
 * awaits, and a declaration that awaits is split in two: the awaited value, then the binding of its names.
 */
export type Step =
  | { kind: 'script'; code: string }
  | { kind: 'await'; code: string }
  | { kind: 'bind'; code: string };

export interface CellPlan {
  steps: Step[];
  /** The value of the last step is the cell's result (the cell ends with an expression). */
  hasResult: boolean;
}

/** Where an awaited value waits for the `bind` step that declares its names. */
export const AWAITED_SLOT = '__rrrNotebookAwaited';

/**
 * esbuild transpiles cells: typescript is only a development dependency. package.json declares esbuild in the
 * range tsx (a runtime dependency) takes, so both share one installed copy; it is imported when a cell runs.
 */
async function esbuildTransform(): Promise<typeof import('esbuild').transform> {
  return (await import('esbuild')).transform;
}

export class CellSyntaxError extends Error {
  override name = 'SyntaxError';
}

/** TypeScript to JavaScript, types stripped, every import kept (a later cell may use what this one imports). */
export async function transpileCell(source: string): Promise<string> {
  try {
    const out = await (await esbuildTransform())(source, {
      loader: 'ts',
      format: 'esm',
      target: 'node20',
      sourcefile: 'cell.ts',
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
    });
    return out.code;
  } catch (error) {
    const first = (error as { errors?: { text: string; location?: { line: number; column: number } | null }[] }).errors?.[0];
    if (!first) throw error;
    const where = first.location ? ` (line ${first.location.line}, column ${first.location.column + 1})` : '';
    throw new CellSyntaxError(`${first.text}${where}`);
  }
}

/** The steps that run one cell's TypeScript `source`. */
export async function planCell(source: string): Promise<CellPlan> {
  const statements = splitStatements(await transpileCell(source)).map(rewriteImport);
  const functions: Step[] = [];
  const steps: Step[] = [];
  for (const statement of statements) {
    if (/^export\b/.test(statement)) throw new CellSyntaxError('a notebook cell cannot export: declare the value and later cells see it');
    // Function declarations are hoisted within the cell, as in a module.
    if (/^(async\s+)?function\b/.test(statement)) functions.push({ kind: 'script', code: statement });
    else steps.push(...stepsOf(statement));
  }
  const last = statements.at(-1);
  const hasResult = last !== undefined && isExpressionStatement(last);
  return { steps: [...functions, ...steps], hasResult };
}

function stepsOf(statement: string): Step[] {
  if (/^class\b/.test(statement) || !hasWord(statement, 'await')) return [{ kind: 'script', code: statement }];
  const declaration = /^(const|let|var)\s/.exec(statement);
  if (!declaration) {
    const body = withoutSemicolon(statement);
    const code = isExpressionStatement(statement) ? `(async () => (${body}\n))()` : `(async () => {\n${statement}\n})()`;
    return [{ kind: 'await', code }];
  }
  const keyword = declaration[1];
  const declarators = splitAt(withoutSemicolon(statement.slice(keyword.length)), ',');
  return declarators.flatMap((declarator): Step[] => {
    const eq = topLevelIndexes(declarator, '=')[0];
    if (eq === undefined || !hasWord(declarator.slice(eq + 1), 'await')) return [{ kind: 'script', code: `${keyword} ${declarator.trim()};` }];
    return [
      { kind: 'await', code: `(async () => (${declarator.slice(eq + 1).trim()}\n))()` },
      { kind: 'bind', code: `${keyword} ${declarator.slice(0, eq).trim()} = globalThis.${AWAITED_SLOT};` },
    ];
  });
}

/** `text` cut at `char` where it stands at bracket depth 0. */
function splitAt(text: string, char: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (const i of topLevelIndexes(text, char)) {
    parts.push(text.slice(start, i));
    start = i + 1;
  }
  parts.push(text.slice(start));
  return parts;
}

function withoutSemicolon(statement: string): string {
  return statement.replace(/;\s*$/, '');
}

const STATEMENT_KEYWORD = /^(const|let|var|using|function|async\s+function|class|if|for|while|do|switch|try|throw|return|break|continue|export|debugger)\b/;
const LABEL = /^[A-Za-z_$][\w$]*\s*:/;

function isExpressionStatement(statement: string): boolean {
  return !STATEMENT_KEYWORD.test(statement) && !LABEL.test(statement) && !/^[{;]/.test(statement);
}

/**
 * A static import as the dynamic import a script can run (esbuild prints every import on one line, in one
 * of these forms): `import a, { b as c } from "m"` becomes `const { default: a, b: c } = await import("m")`.
 */
export function rewriteImport(statement: string): string {
  const match = /^import\s+(?:(.+?)\s+from\s+)?("[^"]*"|'[^']*')\s*(?:(?:with|assert)\s*(\{[^}]*\}))?\s*;?$/s.exec(statement);
  if (!match) return statement;
  const [, clause, specifier, attributes] = match;
  const load = `await import(${specifier}${attributes ? `, { with: ${attributes} }` : ''})`;
  if (clause === undefined) return `${load};`;
  const namespace = /^(?:([\w$]+)\s*,\s*)?\*\s*as\s+([\w$]+)$/.exec(clause.trim());
  if (namespace) {
    const [, def, ns] = namespace;
    return def ? `const ${ns} = ${load}, ${def} = ${ns}.default;` : `const ${ns} = ${load};`;
  }
  const named = /^(?:([\w$]+)\s*,?\s*)?(?:\{([^}]*)\})?$/.exec(clause.trim());
  if (!named) return statement;
  const [, def, list] = named;
  const specifiers = (list ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bindings = [...(def ? [`default: ${def}`] : []), ...specifiers.map((s) => s.replace(/^(.+?)\s+as\s+([\w$]+)$/, '$1: $2'))];
  const imported = [...(def ? ['default'] : []), ...specifiers.map((s) => s.replace(/\s+as\s+[\w$]+$/, '').replace(/^["']|["']$/g, ''))];
  return `const { ${bindings.join(', ')} } = ${checked(load, specifier, imported)};`;
}

/**
 * The module namespace, after checking that it has every name imported: destructuring alone would bind
 * undefined where a static import fails, so the error names the missing export in the importing cell.
 */
function checked(load: string, specifier: string, names: string[]): string {
  const message = `\`The requested module '${specifier.slice(1, -1).replace(/[`$\\']/g, '')}' does not provide an export named '\${name}'\``;
  return `((ns) => { for (const name of ${JSON.stringify(names)}) if (!(name in ns)) throw new SyntaxError(${message}); return ns; })(${load})`;
}
