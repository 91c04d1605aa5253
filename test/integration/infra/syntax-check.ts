/**
 * Fallback check of infra/ for machines without the Bicep CLI (scripts/check-infra.sh runs it when
 * scripts/get-bicep.sh cannot restore the compiler): tree-sitter-bicep syntax of every .bicep file, no
 * registry modules (the build must work offline), and AVM-style parameter descriptions. It is a syntax
 * and convention check only: no types, scopes, API versions or linter rules.
 *
 * Usage: npx tsx test/integration/infra/syntax-check.ts
 */
import { bicepFiles, parameters, readRepoFile, syntaxProblems } from "./bicep-tools.js";

export const DESCRIPTION_PREFIX = /^(Required|Optional|Conditional)\. /;
export const REGISTRY_REFERENCE = /^\s*(module|import)\b.*'(br|ts)[:/]/m;

export async function checkInfraSources(): Promise<string[]> {
  const problems: string[] = [];
  for (const file of bicepFiles()) {
    const source = readRepoFile(file);
    for (const p of await syntaxProblems(source)) {
      problems.push(`${file}:${p.line}:${p.column}: syntax error near '${p.text}'`);
    }
    if (REGISTRY_REFERENCE.test(source)) {
      problems.push(
        `${file}: references a registry module or template spec; only local modules build offline`,
      );
    }
    for (const param of await parameters(source)) {
      if (!param.description || !DESCRIPTION_PREFIX.test(param.description)) {
        problems.push(
          `${file}:${param.line}: param ${param.name} needs @description('Required. ...' | 'Optional. ...' | 'Conditional. ...')`,
        );
      }
    }
  }
  return problems;
}

const isMain = process.argv[1]?.endsWith("syntax-check.ts") ?? false;
if (isMain) {
  const files = bicepFiles();
  const problems = await checkInfraSources();
  for (const problem of problems) console.error(problem);
  console.log(
    problems.length === 0
      ? `tree-sitter-bicep: ${files.length} files, no syntax or convention problems`
      : `tree-sitter-bicep: ${problems.length} problem(s) in ${files.length} files`,
  );
  process.exit(problems.length === 0 ? 0 : 1);
}
