import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
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
        files: ['*.js', 'browser/*.mjs'],
        languageOptions: {globals: globals.node},
        rules: {'@typescript-eslint/no-require-imports': 'off'},
    },
    {
        // The stand-in Mattermost page of the browser test.
        files: ['browser/host.js'],
        languageOptions: {sourceType: 'script', globals: globals.browser},
    },
    {
        // Its libraries, bundled by webpack as the web app bundles them.
        files: ['browser/vendor.js'],
        languageOptions: {sourceType: 'commonjs', globals: {...globals.browser, ...globals.commonjs}},
        rules: {'@typescript-eslint/no-require-imports': 'off'},
    },
);
