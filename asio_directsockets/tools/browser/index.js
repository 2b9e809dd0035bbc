'use strict';
// The runners as a library (require('asio_directsockets/browser')): what the ads-browser, ads-iwa
// and ads-bundle commands do, for a test driver of one's own. See docs/tools.md.

const { runProgram } = require('./run_program');
const { runApp } = require('./iwa_app');
const { iwaRoute } = require('./iwa');
const { launchBrowser, CHROMIUM, CONTENT_SHELL } = require('./chromium');
const { EXIT } = require('./exit_codes');
const { buildSignedBundle, verifySignedBundle, newKeyPem, bundleIdForKey } = require('./iwa_bundle');

module.exports = {
  runProgram, runApp, iwaRoute, launchBrowser, CHROMIUM, CONTENT_SHELL, EXIT,
  buildSignedBundle, verifySignedBundle, newKeyPem, bundleIdForKey,
};
