// Lint: typescript-eslint's recommended rules, plus the import directions the architecture
// depends on (renderer never reaches into main; common stays free of both sides and Electron).
const tseslint = require('typescript-eslint');
const reactHooks = require('eslint-plugin-react-hooks');

const nodeBuiltins = ['fs', 'path', 'child_process', 'worker_threads', 'os', 'crypto', 'http', 'net'];

module.exports = tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'resources/**', 'bin/**', 'scripts/**', 'eslint.config.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/main/**', '**/preload/**'], message: 'The renderer talks to the backend only through src/common/contract.' },
          { group: ['electron', 'better-sqlite3', 'onnxruntime-node', 'sharp'], message: 'Node-side module in the renderer.' },
          ...nodeBuiltins.map((m) => ({ group: [m, `node:${m}`], message: 'Node built-in in the renderer.' })),
        ],
      }],
    },
  },
  {
    files: ['src/common/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'src/common is imported by both sides and imports neither.' },
          { group: ['electron', 'better-sqlite3', 'onnxruntime-node', 'sharp'], message: 'src/common must run in the browser too.' },
          ...nodeBuiltins.map((m) => ({ group: [m, `node:${m}`], message: 'src/common must run in the browser too.' })),
        ],
      }],
    },
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/index.ts', 'src/main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/renderer/**', '**/preload/**'], message: 'src/main never imports the UI.' },
          { group: ['electron'], message: 'Only the Electron entry and src/main/electron/ may import electron.' },
        ],
      }],
    },
  },
);
