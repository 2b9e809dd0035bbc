'use strict';
// Preload (`node -r .../no_fetch.js`, and part of register.js) for Emscripten 3.1.6 programs.
// The runtime loads its .wasm with fetch() whenever fetch exists; Node's fetch cannot load a file
// path, so every start would print a failed streaming compile before falling back to reading the
// file. Node 20 could switch fetch off (--no-experimental-fetch); later versions cannot.
delete globalThis.fetch;
