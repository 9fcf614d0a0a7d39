// ESLint flat config: `npm run lint` (= `eslint .`).
// typescript-eslint's recommended rules everywhere, React hook rules for the add-in only
// (the server has no React). Type-aware rules are left out on purpose: they need a full
// TypeScript program per lint run, which makes `npm run lint` several times slower.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

import { boundaries } from './eslint.boundaries.js';

export default tseslint.config(
  {
    // Build output, installed packages, test runs' artifacts, and dot-folders (tooling, local scratch).
    ignores: ['.*/**', 'dist/**', 'node_modules/**', 'test-artifacts/**', 'coverage/**', '.data/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['addin/**/*.{ts,tsx}', 'test/addin/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
  },
  {
    // One import order everywhere (`npm run lint -- --fix` sorts them); formatting is Prettier's
    // (.prettierrc.json, checked by `npm run lint`).
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: { 'simple-import-sort/imports': 'error', 'simple-import-sort/exports': 'error' },
  },
  {
    rules: {
      // `_name` marks a deliberately unused parameter (port implementations, callbacks).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  {
    // Plain JavaScript files are Node scripts (this file, tooling); TypeScript checks globals in .ts.
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
  },
  ...boundaries,
);
