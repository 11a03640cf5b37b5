import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
    {ignores: ['dist/', 'screenshots/', 'src/manifest.ts']},
    js.configs.recommended,
    ...tseslint.configs.strict,
    {
        files: ['src/**/*.{ts,tsx}'],
        plugins: {'react-hooks': reactHooks},
        rules: {
            'react-hooks/rules-of-hooks': 'error',
            'react-hooks/exhaustive-deps': 'error',
            '@typescript-eslint/consistent-type-imports': 'error',
            eqeqeq: 'error',
            'no-console': 'error',
        },
    },
    {
        files: ['*.js', 'browser/**/*.mjs'],
        languageOptions: {globals: {require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly', window: 'readonly', document: 'readonly'}},
        rules: {'@typescript-eslint/no-require-imports': 'off'},
    },
);
