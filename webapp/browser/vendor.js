// The libraries the Mattermost web app puts on window for plugins (webapp/channels/src/
// plugins/export.ts), bundled the way the web app bundles them: webpack, production
// mode. The versions are webapp/package.json's, which follow Mattermost 11's.
window.React = require('react');
window.ReactDOM = require('react-dom');
window.Redux = require('redux');
window.ReactRedux = require('react-redux');
