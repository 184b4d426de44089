// The build behind `npm run build` and `prepack`: compiles src/ to dist/ (ESM with declarations),
// copies the files the server reads at run time beside the compiled modules that read them, and
// writes the CommonJS entry of the client (it imports nothing at run time, so one file holds it).
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
const require = createRequire(import.meta.url);

rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });

copyFileSync('src/tenancy/demo-tenancy.json', 'dist/tenancy/demo-tenancy.json');
cpSync('src/control/console', 'dist/control/console', { recursive: true });
// The worker threads' modules are plain JavaScript (a worker thread loads each by URL): the WAL
// checkpointer's and the snapshot parser's.
copyFileSync('src/store/checkpointer-worker.mjs', 'dist/store/checkpointer-worker.mjs');
copyFileSync('src/store/sqlite-reader-worker.mjs', 'dist/store/sqlite-reader-worker.mjs');
copyFileSync('src/control/snapshot-parser-worker.mjs', 'dist/control/snapshot-parser-worker.mjs');

const { buildSync } = await import('esbuild');
buildSync({
  entryPoints: ['src/client/index.ts'],
  outfile: 'dist/client/index.cjs',
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  bundle: true,
  logLevel: 'warning',
});
// The CommonJS types are the ESM ones: the client's declarations import types only.
writeFileSync('dist/client/index.d.cts', readFileSync('dist/client/index.d.ts', 'utf8'));
