'use strict';
// Preload for running Emscripten 3.1.6 programs under Node 22 or later (`node -r .../no_fetch.js`).
// The runtime loads its .wasm with fetch() whenever fetch exists; Node's fetch cannot load a file
// path, so every start would print a failed streaming compile before falling back to reading the
// file. Node 20 could switch fetch off (--no-experimental-fetch); later versions cannot.
delete globalThis.fetch;
