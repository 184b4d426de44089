// Imports point down: http -> control -> loyalty -> tenancy -> store, all onto contract; the client
// needs only contract types. The rules live in eslint.config.js (no-restricted-imports per folder);
// this runs them over src/ and checks that they catch a wrong import, naming the file and the import.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });
const layerRule = '@typescript-eslint/no-restricted-imports';

function wrongImports(results: ESLint.LintResult[]): string[] {
  return results.flatMap((result) => result.messages
    .filter((message) => message.ruleId === layerRule)
    .map((message) => `${result.filePath}:${message.line} ${message.message}`));
}

/** What the layer rule says about a file of this path with this text. */
const probe = async (filePath: string, text: string) => wrongImports(await eslint.lintText(text, { filePath }));

describe('the layers of src/', () => {
  it('every file of src/ imports only what its layer may', async () => {
    expect(wrongImports(await eslint.lintFiles(['src/**/*.ts']))).toEqual([]);
  });

  it('refuses an import that points up, at any depth', async () => {
    expect(await probe('src/store/probe.ts', "import { notFound } from '../loyalty/errors.ts';\nexport const a = notFound;\n")).toHaveLength(1);
    expect(await probe('src/store/migrations/probe.ts', "import { handlers } from '../../loyalty/index.ts';\nexport const a = handlers;\n")).toHaveLength(1);
    expect(await probe('src/contract/probe.ts', "export { sql } from '../store/dialect.ts';\n")).toHaveLength(1);
    expect(await probe('src/loyalty/probe.ts', "import { buildApp } from '../app.ts';\nexport const a = buildApp;\n")).toHaveLength(1);
    expect(await probe('src/http/probe.ts', "import { handlers } from '../loyalty/index.ts';\nexport const a = handlers;\n")).toEqual([]);
  });

  it('keeps Fastify out of the business rules, the store, the tenancy and the contract', async () => {
    for (const layer of ['loyalty', 'store', 'contract', 'tenancy']) {
      expect(await probe(`src/${layer}/probe.ts`, "import Fastify from 'fastify';\nexport const a = Fastify;\n")).toHaveLength(1);
    }
    expect(await probe('src/http/probe.ts', "import Fastify from 'fastify';\nexport const a = Fastify;\n")).toEqual([]);
  });

  it('gives the client no run-time dependency but the platform', async () => {
    expect(await probe('src/client/probe.ts', "import type { Operations } from '../contract/index.ts';\nexport type A = Operations;\n")).toEqual([]);
    expect(await probe('src/client/probe.ts', "import { operations } from '../contract/index.ts';\nexport const a = operations;\n")).toHaveLength(1);
    expect(await probe('src/client/probe.ts', "import { randomUUID } from 'node:crypto';\nexport const a = randomUUID;\n")).toHaveLength(1);
  });
});
