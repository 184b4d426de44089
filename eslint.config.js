// ESLint (flat config): the recommended JavaScript and TypeScript rules, and the layers of src/ as
// import restrictions, one block per folder. Imports point down: http -> control -> loyalty ->
// events -> tenancy -> store, all onto contract; the client may only import contract types.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Which layers (folders of src/) each layer may not import. The files at the top of src/ may import any. */
const forbidden = {
  contract: ['store', 'tenancy', 'events', 'loyalty', 'control', 'http', 'client'],
  store: ['tenancy', 'events', 'loyalty', 'control', 'http', 'client'],
  tenancy: ['events', 'loyalty', 'control', 'http', 'client'],
  events: ['loyalty', 'control', 'http', 'client'],
  loyalty: ['control', 'http', 'client'],
  control: ['http', 'client'],
  http: ['client'],
  client: ['store', 'tenancy', 'events', 'loyalty', 'control', 'http'],
};
/** Business rules, storage and the wire run without Fastify. */
const withoutFastify = new Set(['contract', 'store', 'tenancy', 'loyalty']);

const layerRules = Object.entries(forbidden).map(([layer, layers]) => ({
  files: [`src/${layer}/**/*.ts`],
  rules: {
    '@typescript-eslint/no-restricted-imports': ['error', {
      patterns: [
        { regex: `^(\\.\\./)+(${layers.join('|')})/`, message: `src/${layer} may not import this layer: imports point down (see README, Development).` },
        { regex: '^(\\.\\./)+(app|main|settings)\\.ts$', message: 'Only the files at the top of src/ wire the layers together.' },
        ...(withoutFastify.has(layer) ? [{ regex: '^(fastify|@fastify/.*)$', message: `src/${layer} runs without Fastify.` }] : []),
        ...(layer === 'client' ? [{ regex: '.*', allowTypeImports: true, message: 'The client needs nothing at run time but the platform: import types only.' }] : []),
      ],
    }],
  },
}));

export default tseslint.config(
  { ignores: ['dist/', 'data/', 'node_modules/', 'test-artifacts/', 'src/control/console/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,js,mjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', fetch: 'readonly' } },
  },
  {
    // A leading underscore says "deliberately unused" (a parameter kept for a shared signature, a
    // property left out of a copy by destructuring).
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // Loose on purpose: migrations are typed against Kysely<any> (the schema of their day, not today's),
    // the store's generic page and snapshot queries run over any table, tests and benchmarks read
    // answers parsed from JSON.
    files: ['src/store/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // A function a reader can hold in view: past 60 lines (comments and blank lines included), split it
    // by meaning.
    files: ['src/**/*.{ts,mjs}'],
    rules: { 'max-lines-per-function': ['error', { max: 60 }] },
  },
  ...layerRules,
);
