const path = require('node:path');

// The Mattermost webapp exposes these on window for plugins; bundling our own copy
// would break hooks and context (two Reacts, two react-redux contexts).
const externals = {
    react: 'React',
    'react-dom': 'ReactDOM',
    redux: 'Redux',
    'react-redux': 'ReactRedux',
    'prop-types': 'PropTypes',
    'react-bootstrap': 'ReactBootstrap',
    'react-router-dom': 'ReactRouterDom',
    'react-intl': 'ReactIntl',
};

module.exports = (env, argv) => ({
    mode: argv.mode || 'production',
    entry: './src/index.tsx',
    output: {
        path: path.join(__dirname, 'dist'),
        filename: 'main.js',
        clean: true,
    },
    resolve: {
        extensions: ['.ts', '.tsx', '.js'],
    },
    module: {
        rules: [
            {
                test: /\.tsx?$/,
                exclude: /node_modules/,
                // `npm run typecheck` checks types; the build only transpiles.
                use: {loader: 'ts-loader', options: {transpileOnly: true}},
            },
        ],
    },
    externals,
    devtool: false,
    performance: {hints: false},
    optimization: {splitChunks: false},
});
