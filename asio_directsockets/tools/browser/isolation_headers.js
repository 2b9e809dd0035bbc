'use strict';
// The response headers a page (and its Workers) needs before Chromium lets it use Direct Sockets
// outside an Isolated Web App (content_shell with --isolated-context-origins; bisected in
// content_shell 156, docs/browser-tests.md "Headers, and what happens without them"):
//   * without COOP/COEP the page is not cross-origin isolated and TCPSocket is undefined;
//   * without `direct-sockets=(self)` the first socket makes the browser kill the renderer
//     ("Frame is not sufficiently isolated to use Direct Sockets.");
//   * without `cross-origin-isolated=(self)` the renderer is killed too ("Permissions policy
//     blocks access to Direct Sockets.").
// CSP and CORP are not needed.

const ISOLATION_HEADERS = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Permissions-Policy': 'direct-sockets=(self), cross-origin-isolated=(self)',
});

module.exports = { ISOLATION_HEADERS };
