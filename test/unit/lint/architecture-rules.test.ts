/**
 * The architecture rules of eslint.config.mjs, proven on planted code: each case lints a violating
 * text as if it were a file of the tree (`lintText` at that path, the real config, nothing written to
 * disk) and expects the specific rule to fire; the controls show the same text is fine where it is
 * allowed. Also checks that every module the workflow sandbox runs is under the no-Node rule.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(__dirname, '../../..');

interface LintMessage {
  ruleId: string | null;
  message: string;
}
interface ChildAnswer {
  lint: Array<{ filePath: string; messages: LintMessage[] }>;
  configFor: Array<{ filePath: string; rules: Record<string, unknown> }>;
}

/** Lints `code` at each path and reads the config of other paths, in one ESLint process. */
function runEslint(lint: Array<{ filePath: string; code: string }>, configFor: string[] = []): ChildAnswer {
  const output = execFileSync(process.execPath, [join(__dirname, 'eslint-child.mjs')], {
    cwd: root,
    input: JSON.stringify({ lint: lint.map((c) => ({ ...c, filePath: join(root, c.filePath) })), configFor: configFor.map((f) => join(root, f)) }),
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(output.toString('utf8')) as ChildAnswer;
}

/** The first `.ts` file of a folder of src (planted code takes its path, so the project service knows it). */
function someFileIn(folder: string): string {
  const name = readdirSync(join(root, folder)).filter((f) => f.endsWith('.ts')).sort()[0];
  if (name === undefined) throw new Error(`no .ts file in ${folder}`);
  return `${folder}/${name}`;
}

/** `specifier` of `target` (a path under src, no extension) as imported from `fromFile`. */
function importPath(fromFile: string, target: string): string {
  const path = relative(dirname(join(root, fromFile)), join(root, target));
  return path.startsWith('.') ? path : `./${path}`;
}

/**
 * Files reached from src/workflows/*.ts by imports that stay in the compiled code: `import type`
 * and imports of types only are erased, as TypeScript and the workflow bundler erase them.
 */
function sandboxedModules(): string[] {
  const { config } = ts.readConfigFile(join(root, 'tsconfig.json'), (f) => ts.sys.readFile(f));
  const options = ts.parseJsonConfigFileContent(config, ts.sys, root).options;
  const queue = readdirSync(join(root, 'src/workflows'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(root, 'src/workflows', f));
  const seen = new Set(queue);
  while (queue.length > 0) {
    const file = queue.shift()!;
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
    for (const statement of source.statements) {
      const specifier = runtimeSpecifier(statement);
      if (specifier === undefined) continue;
      const resolved = ts.resolveModuleName(specifier, file, options, ts.sys).resolvedModule;
      if (resolved === undefined || resolved.isExternalLibraryImport) continue;
      const target = resolve(resolved.resolvedFileName);
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return [...seen].map((f) => relative(root, f)).sort();
}

function runtimeSpecifier(statement: ts.Statement): string | undefined {
  if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
    const clause = statement.importClause;
    if (clause?.isTypeOnly) return undefined;
    const named = clause?.namedBindings;
    const typesOnly = clause !== undefined && clause.name === undefined && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
    return typesOnly ? undefined : statement.moduleSpecifier.text;
  }
  if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
    return statement.isTypeOnly ? undefined : statement.moduleSpecifier.text;
  }
  return undefined;
}

/** Folders (and files) below the HTTP edge; none may import src/api. */
const belowTheEdge = [
  ...['src/executions', 'src/events', 'src/definitions', 'src/activities', 'src/activities/tools/egress', 'src/temporal', 'src/auth', 'src/errors', 'src/workflows', 'src/worker'].map(someFileIn),
  'src/config.ts',
  'src/worker.ts',
];
const theEdge = ['src/server.ts', 'src/main.ts', 'src/api/routes/health.ts'];

/** A value import and a type-only import of src/api, as if written in `filePath`. */
const apiImports = (filePath: string): string =>
  `import { buildApp } from '${importPath(filePath, 'src/api/app')}';\n` +
  `import type { ProblemSchema } from '${importPath(filePath, 'src/api/schemas/problem')}';\n\n` +
  'export const planted = buildApp;\nexport type Planted = typeof ProblemSchema;\n';

const fsImport = "import { readFileSync } from 'node:fs';\n\nexport const planted = readFileSync;\n";
/** Five kinds of module-scope state: a let, an exported var, a Map, an exported Set, a static field. */
const moduleState =
  'let count = 0;\nexport var total = 0;\nconst seen = new Map<string, number>();\nexport const names = new Set<string>();\n' +
  'export class Planted {\n  static instances = 0;\n  static readonly limit = 3;\n}\nexport const planted = () => [count++, total, seen, names];\n';
const sandboxed = sandboxedModules();
const sandboxedOutsideWorkflows = sandboxed.filter((f) => !f.startsWith('src/workflows/'));
const cycleFile = 'src/executions/execution-id.ts';
const cycleFileText = readFileSync(join(root, cycleFile), 'utf8');

/** Every planted text, linted in one ESLint process (type-aware linting takes a while to start). */
const cases = {
  apiBelow: belowTheEdge.map((filePath) => ({ filePath, code: apiImports(filePath) })),
  apiAtTheEdge: theEdge.map((filePath) => ({ filePath, code: apiImports(filePath) })),
  fsSandboxed: ['src/workflows/journal.ts', ...sandboxedOutsideWorkflows].map((filePath) => ({ filePath, code: fsImport })),
  fsOutside: [{ filePath: 'src/definitions/load-directory.ts', code: fsImport }],
  stateSandboxed: ['src/workflows/journal.ts', ...sandboxedOutsideWorkflows].map((filePath) => ({ filePath, code: moduleState })),
  stateOutside: [{ filePath: 'src/definitions/load-directory.ts', code: moduleState }],
  cycle: [{ filePath: cycleFile, code: `import { ExecutionService } from './execution-service';\n\nexport const planted = ExecutionService;\n${cycleFileText}` }],
  noCycle: [{ filePath: cycleFile, code: cycleFileText }],
};
type CaseName = keyof typeof cases;

let answer: ChildAnswer;
beforeAll(() => {
  answer = runEslint(Object.values(cases).flat(), sandboxed);
}, 240_000);

/** The rules that fired on each text of a case, by file. */
function fired(name: CaseName): Array<{ file: string; rules: Array<string | null> }> {
  const offset = (Object.keys(cases) as CaseName[]).slice(0, (Object.keys(cases) as CaseName[]).indexOf(name)).reduce((n, k) => n + cases[k].length, 0);
  return cases[name].map((c, i) => ({ file: c.filePath, rules: answer.lint[offset + i]!.messages.map((m) => m.ruleId) }));
}

const count = (rules: Array<string | null>, rule: string): number => rules.filter((r) => r === rule).length;

describe('layers: nothing below src/api imports it (import-x/no-restricted-paths)', () => {
  it('fails lint for a value and a type import of src/api from every folder below it', () => {
    const results = fired('apiBelow').map(({ file, rules }) => ({ file, flagged: count(rules, 'import-x/no-restricted-paths') }));
    expect(results).toEqual(belowTheEdge.map((file) => ({ file, flagged: 2 })));
    const message = answer.lint[0]!.messages.find((m) => m.ruleId === 'import-x/no-restricted-paths')?.message;
    expect(message).toMatch(/src\/api is the HTTP edge/);
  });

  it('lets the HTTP edge and the two entry points import it', () => {
    const results = fired('apiAtTheEdge').map(({ file, rules }) => ({ file, flagged: count(rules, 'import-x/no-restricted-paths') }));
    expect(results).toEqual(theEdge.map((file) => ({ file, flagged: 0 })));
  });
});

describe('the workflow sandbox: no Node built-ins (no-restricted-imports)', () => {
  it('traces the modules outside src/workflows that workflow code runs', () => {
    // A change here is fine when the imports changed; the rule's glob in eslint.config.mjs must follow.
    expect(sandboxedOutsideWorkflows).toEqual([
      'src/definitions/cel-values.ts',
      'src/definitions/every-task.ts',
      'src/definitions/expression-references.ts',
      'src/definitions/expressions.ts',
      'src/definitions/local-tasks.ts',
      'src/definitions/templates.ts',
      'src/definitions/value-path.ts',
    ]);
  });

  it('puts every sandboxed module under the rule', () => {
    const uncovered = answer.configFor.filter(({ rules }) => !JSON.stringify(rules['no-restricted-imports'] ?? null).includes('"node:fs"'));
    expect(uncovered.map((c) => relative(root, c.filePath))).toEqual([]);
    expect(answer.configFor).toHaveLength(sandboxed.length);
  });

  it('fails lint for node:fs in src/workflows and in every sandboxed module outside it', () => {
    const results = fired('fsSandboxed').map(({ file, rules }) => ({ file, flagged: count(rules, 'no-restricted-imports') }));
    expect(results).toEqual(cases.fsSandboxed.map(({ filePath }) => ({ file: filePath, flagged: 1 })));
  });

  it('leaves the definitions code that runs on the worker or the API alone', () => {
    expect(fired('fsOutside')[0]!.rules).not.toContain('no-restricted-imports');
  });
});

describe('the workflow sandbox: no state at module scope (no-restricted-syntax)', () => {
  it('fails lint for each kind of module-scope state in src/workflows and every sandboxed module outside it', () => {
    const results = fired('stateSandboxed').map(({ file, rules }) => ({ file, flagged: count(rules, 'no-restricted-syntax') }));
    expect(results).toEqual(cases.stateSandboxed.map(({ filePath }) => ({ file: filePath, flagged: 5 })));
  });

  it('leaves module state outside the sandbox alone', () => {
    expect(fired('stateOutside')[0]!.rules).not.toContain('no-restricted-syntax');
  });
});

describe('no import cycles (import-x/no-cycle)', () => {
  it('fails lint when a module imports one that imports it back', () => {
    expect(fired('cycle')[0]!.rules).toContain('import-x/no-cycle');
  });

  it('passes the same module as it is', () => {
    expect(fired('noCycle')[0]!.rules).toEqual([]);
  });
});
