// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/**
 * Every module that runs in Temporal's workflow sandbox: src/workflows, and what it imports at run time
 * (type-only imports are erased). Outside src/workflows that is, traced from src/workflows/*.ts:
 * src/definitions/templates.ts (from approval-task, basic-task, execution-machine) -> expressions.ts,
 * value-path.ts; expressions.ts (also from execution-machine) -> cel-values.ts, expression-references.ts;
 * local-tasks.ts (from task-activity, docs/design.md §13) -> every-task.ts (also from execution-behaviour).
 * test/unit/lint/architecture-rules.test.ts traces it again and fails when a file is missing here.
 */
const sandboxed = ['src/workflows/**/*.ts', 'src/definitions/{templates,expressions,cel-values,expression-references,value-path,local-tasks,every-task}.ts'];

/** Module-scope constructs that would hold state shared by every workflow of a worker. */
const sharedStateMessage = 'Workflow modules are preloaded and shared by every workflow of a worker: no state at module scope (keep it in the workflow\'s objects).';
const moduleScopeState = [
  'Program > VariableDeclaration[kind!="const"]',
  'Program > ExportNamedDeclaration > VariableDeclaration[kind!="const"]',
  'Program > VariableDeclaration > VariableDeclarator > NewExpression.init',
  'Program > ExportNamedDeclaration > VariableDeclaration > VariableDeclarator > NewExpression.init',
  'PropertyDefinition[static=true][readonly!=true]',
].map((selector) => ({ selector, message: sharedStateMessage }));

/** Files that may import the HTTP edge (src/api): itself and the two entry points that start it. */
const httpEdge = ['src/api/**', 'src/server.ts', 'src/main.ts'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', '.jest-cache/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Import graph: no cycles anywhere, resolved as TypeScript resolves (tsconfig.json).
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts', '.cts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // Layers point down: src/api is the HTTP edge, and nothing below it imports it (README, "Code layout").
    files: ['src/**/*.ts'],
    ignores: httpEdge,
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: [{ target: './src', from: './src/api', message: 'src/api is the HTTP edge: only src/server.ts and src/main.ts import it; move what is shared below it.' }],
        },
      ],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node APIs there.
    files: sandboxed,
    rules: {
      'no-restricted-imports': ['error', { paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code must be deterministic: no Node built-ins.' })) }],
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'Buffer'],
      // The worker preloads this code once and every workflow shares its module scope
      // (src/worker/create-worker.ts, workflowPreloadModules): state kept there would leak between
      // executions and break replay. State lives in each workflow's own objects.
      'no-restricted-syntax': ['error', ...moduleScopeState],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The operator console: ES modules that run in the browser, served as they are (no build step).
    files: ['ui/**/*.js'],
    languageOptions: { globals: { ...globals.browser }, sourceType: 'module' },
  },
  {
    files: ['test/**/*.ts', 'src/**/*.test.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
