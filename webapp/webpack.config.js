const path = require('node:path');

// The Mattermost web app puts these on window for plugins (plugins/export.ts: React,
// ReactDOM, ReactIntl, Redux, ReactRedux, ReactBootstrap, ReactRouterDom, PropTypes,
// Luxon); bundling our own copy would break hooks and context (two Reacts, two
// react-redux contexts). Only the ones the plugin imports are listed: anything else
// it imported would be bundled (and show in main.js's size). The browser harness
// checks each name against the web app's list.
const externals = {
    react: 'React',
    'react-dom': 'ReactDOM',
    redux: 'Redux',
    'react-redux': 'ReactRedux',
};

const config = (env, argv) => ({
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

module.exports = config;
module.exports.externals = externals;
