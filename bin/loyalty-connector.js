#!/usr/bin/env node
// The installed package runs the compiled server (dist/, built before every `npm pack`). A clone of
// the repository has the TypeScript sources beside this file and runs them through tsx, a development
// tool, so what runs is always what was last edited (never a stale dist/).
import { existsSync } from 'node:fs';

const sources = new URL('../src/main.ts', import.meta.url);
const compiled = new URL('../dist/main.js', import.meta.url);
let tsx;
if (existsSync(sources)) tsx = await import('tsx/esm/api').catch(() => undefined);
if (tsx) {
  tsx.register();
  await import(sources.href);
} else if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  process.stderr.write('loyalty-connector: dist/ is missing: run `npm run build` in the package folder.\n');
  process.exit(1);
}
