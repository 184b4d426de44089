import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The documented Vitest example imports the package by name; here that name is the sources.
  resolve: {
    alias: [
      { find: /^loyalty-connector$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      { find: /^loyalty-connector\/client$/, replacement: fileURLToPath(new URL('./src/client/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'docs/examples/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
