'use strict';
// Preload entry point: `node -r .../register.js app.js` installs the API on globalThis, with
// options from DIRECT_SOCKETS_* environment variables (see config.js).
require('./direct_sockets').install(globalThis);
