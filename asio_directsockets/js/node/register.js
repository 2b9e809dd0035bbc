'use strict';
// Preload entry point: `node -r .../register.js app.js` installs the API on globalThis, with
// options from DIRECT_SOCKETS_* environment variables (see config.js). It also hides fetch
// (no_fetch.js): Emscripten 3.1.6's loader would try fetch() on the .wasm file's path and fail
// ("Failed to parse URL"), so no --no-experimental-fetch flag is needed.
require('./no_fetch');
require('./direct_sockets').install(globalThis);
