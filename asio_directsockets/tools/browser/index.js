'use strict';
// The runners as a library (require('asio_directsockets/browser')): what the ads-browser and
// ads-iwa commands do, for a test driver of one's own. See docs/tools.md.

const { runProgram } = require('./run_program');
const { runApp } = require('./iwa_app');
const { iwaRoute } = require('./iwa');
const { launchBrowser, CHROMIUM, CONTENT_SHELL } = require('./chromium');
const { EXIT } = require('./exit_codes');

module.exports = { runProgram, runApp, iwaRoute, launchBrowser, CHROMIUM, CONTENT_SHELL, EXIT };
