// Runs ESLint's Node API with the repository's eslint.config.mjs, outside Jest (whose module system
// cannot load an ES module config). Reads a request from stdin, writes the answer to stdout, as JSON:
//   { lint: [{ filePath, code }], configFor: [filePath] }
//   -> { lint: [{ filePath, messages: [{ ruleId, message }] }], configFor: [{ filePath, rules }] }
import { ESLint } from 'eslint';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const eslint = new ESLint({ cwd: process.cwd() });
const lint = [];
for (const { filePath, code } of request.lint ?? []) {
  const [result] = await eslint.lintText(code, { filePath });
  lint.push({ filePath, messages: (result?.messages ?? []).map((m) => ({ ruleId: m.ruleId, message: m.message })) });
}
const configFor = [];
for (const filePath of request.configFor ?? []) {
  const config = await eslint.calculateConfigForFile(filePath);
  configFor.push({ filePath, rules: config?.rules ?? {} });
}
process.stdout.write(JSON.stringify({ lint, configFor }));
