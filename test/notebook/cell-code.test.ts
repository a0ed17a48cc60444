import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { codeDepths, splitStatements } from '../../src/notebook/scan.js';
import { AWAITED_SLOT, CellSyntaxError, planCell, rewriteImport, transpileCell, type CellPlan } from '../../src/notebook/cell-code.js';

describe('splitStatements (esbuild output cut at its top-level statements)', () => {
  it('keeps blocks, else branches, multi-line templates, regexes and comments whole', async () => {
    const source = [
      'const t = `multi',
      'line ${ {a: 1}.a } }`;',
      'if (t) {',
      '  console.log(t);',
      '} else {',
      '  console.log("}");',
      '}',
      'const r = /ab\\/c}/g; // }',
      'function f(x: number) {',
      '  return x;',
      '}',
      'f(1)',
    ].join('\n');
    const statements = splitStatements(await transpileCell(source));
    expect(statements).toEqual([
      'const t = `multi\nline ${{ a: 1 }.a} }`;',
      'if (t) {\n  console.log(t);\n} else {\n  console.log("}");\n}',
      'const r = /ab\\/c}/g;',
      'function f(x) {\n  return x;\n}',
      'f(1);',
    ]);
  });

  it('marks literal and comment characters -1 and code with its bracket depth', () => {
    const code = 'a("(", `x${b[1]}`) /* ( */';
    const depth = Array.from(codeDepths(code));
    // a ( "(" , ` x $ { b [ 1 ] } ` ) ...
    expect(depth.slice(0, 2)).toEqual([0, 0]);
    expect(depth.slice(2, 5)).toEqual([-1, -1, -1]);
    expect(depth[code.indexOf('b')]).toBe(2);
    expect(depth[code.indexOf('1')]).toBe(3);
    expect(depth[code.indexOf(')', 12)]).toBe(0);
    expect(depth.slice(code.indexOf('/*'))).toEqual(Array(7).fill(-1));
  });
});

describe('rewriteImport (static imports as the dynamic imports a script can run)', () => {
  it.each([
    ['import * as ns from "m";', 'const ns = await import("m");'],
    ['import a, * as ns from "m";', 'const ns = await import("m"), a = ns.default;'],
    ['import "m";', 'await import("m");'],
  ])('%s', (from, to) => expect(rewriteImport(from)).toBe(to));

  it.each([
    ['import a from "m";', '{ default: a }', ['default'], 'await import("m")'],
    ['import { x, y as z } from "m";', '{ x, y: z }', ['x', 'y'], 'await import("m")'],
    ['import a, { x, "q-r" as w } from "m";', '{ default: a, x, "q-r": w }', ['default', 'x', 'q-r'], 'await import("m")'],
    ['import data from "./d.json" with { type: "json" };', '{ default: data }', ['default'], 'await import("./d.json", { with: { type: "json" } })'],
  ])('%s: destructured after checking that the module exports each name', (from, pattern, names, load) => {
    const out = rewriteImport(from);
    expect(out.startsWith(`const ${pattern} = ((ns) => { for (const name of ${JSON.stringify(names)}) if (!(name in ns)) throw new SyntaxError(`)).toBe(true);
    expect(out.endsWith(`return ns; })(${load});`)).toBe(true);
  });

  it('a missing named export fails as a static import does, naming it', async () => {
    const check = rewriteImport('import { x, nope } from "m";').replace(/^const .+? = /, '').replace('await import("m")', '({ x: 1 })');
    expect(() => vm.runInNewContext(check)).toThrow("The requested module 'm' does not provide an export named 'nope'");
    expect(vm.runInNewContext(check.replace('({ x: 1 })', '({ x: 1, nope: 2 })'))).toEqual({ x: 1, nope: 2 });
  });

  it('leaves import() and import.meta alone', () => {
    expect(rewriteImport('import("m").then(f);')).toBe('import("m").then(f);');
    expect(rewriteImport('import.meta.url;')).toBe('import.meta.url;');
  });
});

/** Runs a plan's steps as the kernel does, in a fresh context, and returns the cell's value. */
async function run(plan: CellPlan, context: vm.Context): Promise<unknown> {
  let value: unknown;
  for (const step of plan.steps) {
    value = vm.runInContext(step.code, context);
    if (step.kind === 'await') {
      value = await value;
      context[AWAITED_SLOT] = value;
    }
  }
  return plan.hasResult ? value : undefined;
}

describe('planCell: one global scope across cells, top-level await, the last expression as the value', () => {
  it('lets a later cell see declarations, awaited destructured values and hoisted functions', async () => {
    const context = vm.createContext({});
    expect(await run(await planCell('const a: number = 1;\nlet { b, c: [d] } = await Promise.resolve({ b: 2, c: [3] });'), context)).toBeUndefined();
    // A function declared below its use in the same cell is hoisted, as in a module.
    expect(await run(await planCell('const sum = add(a, b);\nfunction add(x: number, y: number) { return x + y + d; }\nsum * 10'), context)).toBe(60);
    expect(await run(await planCell('class K { v = a }\nconst k = new K();\nk.v + (await Promise.resolve(b))'), context)).toBe(3);
    expect(await run(await planCell('b = 5;\nfor (const x of await Promise.resolve([1])) { b += x; }'), context)).toBeUndefined();
    expect(await run(await planCell('b'), context)).toBe(6);
  });

  it('has no value when the cell ends with a declaration or a block, and a value for an awaited expression', async () => {
    expect((await planCell('const x = 1;')).hasResult).toBe(false);
    expect((await planCell('if (1) { 2 }')).hasResult).toBe(false);
    expect((await planCell('label: for (;;) break label;')).hasResult).toBe(false);
    const context = vm.createContext({});
    expect(await run(await planCell('await Promise.resolve(7)'), context)).toBe(7);
    expect(await run(await planCell('({ a: 1 })'), context)).toEqual({ a: 1 });
  });

  it('splits an awaiting declaration with several declarators into value and binding steps', async () => {
    const plan = await planCell('const x = 1, y = await Promise.resolve(x + 1), z = y * 3;');
    expect(plan.steps.map((s) => s.kind)).toEqual(['script', 'await', 'bind', 'script']);
    const context = vm.createContext({});
    await run(plan, context);
    expect(vm.runInContext('[x, y, z]', context)).toEqual([1, 2, 6]);
  });

  it('refuses exports and reports TypeScript syntax errors with their line', async () => {
    await expect(planCell('export const x = 1;')).rejects.toThrow(/cannot export/);
    await expect(planCell('const a = 1;\nconst = 2;')).rejects.toThrow(CellSyntaxError);
    await expect(planCell('const a = 1;\nconst = 2;')).rejects.toThrow(/line 2/);
  });
});
