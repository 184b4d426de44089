#!/usr/bin/env node
// Runs the compiled server (dist/, built by `npm run build` and before every `npm pack`). In a clone
// that was never built, it falls back to the TypeScript sources through tsx, a development tool.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else if (existsSync(new URL('../src/main.ts', import.meta.url))) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/main.ts', import.meta.url).href);
} else {
  process.stderr.write('loyalty-connector: dist/ is missing; run `npm run build` in the package folder.\n');
  process.exit(1);
}
