// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {globals: {console: 'readonly', process: 'readonly', setTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly'}},
  },
  {
    // Tests poke at loosely typed JSON (recorded requests, outputs).
    files: ['test/**'],
    rules: {'@typescript-eslint/no-explicit-any': 'off'},
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      'no-constant-condition': ['error', {checkLoops: false}],
    },
  },
);
