'use strict';
// Loads the bridge library (every .js file in asio_directsockets/js/bridge/) the way
// Emscripten 3.1.6 links several --js-library files, without Emscripten and without the C++
// side, so the bridge can be tested in Node:
//
//  * each file is evaluated, in name order (the order CMake passes them), with a mergeInto()
//    that fills LibraryManager.library; a key that two files define is an error (mergeInto
//    would silently keep the later one);
//  * every member is then *serialized* as jsifier.js does (functions with toString(), `$X`
//    objects member by member), so a library that relied on a closure or on a file-level
//    variable would break here as it would in a real link;
//  * Emscripten only emits what the imports pull in through __deps, so every global of the
//    library (`AdsX`) or of the runtime (callUserCallback) that a member's code names must be
//    in that member's __deps;
//  * the serialized code runs in one scope that provides what the Emscripten runtime provides:
//    HEAPU8/HEAP32 over a (growable, optionally shared) memory, UTF8ToString, stringToUTF8,
//    Module with _ads_on_complete/_ads_drain, callUserCallback, err, and optionally Asyncify.
//
// Usage (see asio_directsockets/js/test/bridge_*.test.js):
//   const env = load({ memory: 16 << 20 });
//   const buf = env.malloc(65536);
//   env.imports.ads_read(handle, op, buf, 65536);
//   await env.next(op);                 // a completion record {op, err, value}

const fs = require('node:fs');
const path = require('node:path');

const LIBRARY_DIR = path.join(__dirname, '..', '..', 'bridge');
// The library's files, in the order CMake passes them (cmake/emscripten.cmake: sorted names).
const LIBRARY_FILES = fs.readdirSync(LIBRARY_DIR).filter((f) => f.endsWith('.js')).sort()
    .map((f) => path.join(LIBRARY_DIR, f));

// jsifier.js stringifyWithFunctions()
function stringifyWithFunctions(obj) {
  if (typeof obj === 'function') return obj.toString();
  if (obj === null || typeof obj !== 'object') return JSON.stringify(obj);
  if (Array.isArray(obj)) return '[' + obj.map(stringifyWithFunctions).join(',') + ']';
  return '{' + Object.keys(obj).map((k) => JSON.stringify(k) + ':' + stringifyWithFunctions(obj[k]))
      .join(',') + '}';
}

// Runtime pieces the library may depend on through __deps (Emscripten's library.js provides
// them); anything else in a __deps list must be defined by the library itself.
const RUNTIME_DEPS = new Set(['$callUserCallback']);

// The library's own globals ($AdsX members) and the runtime's that the library uses.
const NAMED_GLOBAL = /\b(Ads[A-Z][A-Za-z0-9]*|callUserCallback)\b/g;

// Evaluates library files as Emscripten's LibraryManager.load() does. `files`: a path or a list.
function evaluateLibrary(files = LIBRARY_FILES) {
  const library = {};
  const origin = {};
  for (const file of [].concat(files)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const [i, line] of text.split('\n').entries()) {
      if (line.trim().startsWith('#')) throw new Error(`${file}:${i + 1}: line starts with '#'`);
    }
    if (text.includes('{{{')) throw new Error(`${file}: contains '{{{' (Emscripten macro syntax)`);
    // A key written twice in one mergeInto() object silently keeps the later one.
    const seen = new Set();
    for (const [, key] of text.matchAll(/^  (\$?[A-Za-z_][A-Za-z0-9_]*)\s*:/gm)) {
      if (seen.has(key)) throw new Error(`${file}: ${key} is defined twice`);
      seen.add(key);
    }
    const mergeInto = (target, obj) => {
      for (const key of Object.keys(obj)) {
        if (key in origin) throw new Error(`${file}: ${key} is already defined by ${origin[key]}`);
        origin[key] = path.basename(file);
      }
      return Object.assign(target, obj);
    };
    new Function('mergeInto', 'LibraryManager', text)(mergeInto, { library });
  }
  return { library, origin };
}

function compileLibrary(files = LIBRARY_FILES) {
  const { library, origin } = evaluateLibrary(files);
  const decls = [];
  const imports = [];
  for (const key of Object.keys(library)) {
    if (key.includes('__')) continue;
    const deps = library[key + '__deps'] || [];
    for (const d of deps) {
      if (!(d in library) && !RUNTIME_DEPS.has(d)) throw new Error(`${key}: unknown dependency ${d}`);
    }
    const value = library[key];
    const code = key.startsWith('$') ? stringifyWithFunctions(value) : String(value);
    for (const [name] of code.matchAll(NAMED_GLOBAL)) {
      if (name !== key.replace(/^\$/, '') && !deps.includes('$' + name)) {
        throw new Error(`${key} (${origin[key]}) uses ${name} but its __deps do not name $${name}`);
      }
    }
    if (key.startsWith('$')) {
      decls.push(`var ${key.slice(1)} = ${code};`);
    } else {
      if (typeof value !== 'function') throw new Error(`${key} is not a function`);
      const sig = library[key + '__sig'];
      if (sig && sig.length - 1 !== value.length) {
        throw new Error(`${key}: __sig ${sig} does not match ${value.length} parameters`);
      }
      decls.push(`var _${key} = ${value.toString()};`);
      imports.push(key);
    }
    const postset = library[key + '__postset'];
    if (postset) decls.push(postset);
  }
  return { library, decls, imports, origin };
}

function load(opts = {}) {
  const { decls, imports, library } = compileLibrary(opts.library);
  const globals = Object.keys(library).filter((k) => k.startsWith('$') && !k.includes('__'))
      .map((k) => k.slice(1));
  const memoryBytes = opts.memory || (16 << 20);
  const shared = !!opts.shared;
  const completions = [];
  const waiters = [];
  const callbackErrors = [];
  const logs = [];

  function record(rec) {
    completions.push(rec);
    if (env.onComplete) env.onComplete(rec);
    for (const w of waiters.filter((x) => x.op === rec.op)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(rec);
    }
  }

  const Module = {
    _ads_on_complete(op, err, value) { record({ op, err, value }); },
    _ads_drain() {
      env.drains++;
      if (env.onDrain) return env.onDrain();
      if (env.autoDrain) {
        linked.imports.ads_take_completions();
        linked.imports.ads_schedule_drain(-1);
      }
    },
  };
  if (opts.noExports) {
    delete Module._ads_on_complete;
    delete Module._ads_drain;
  }
  function callUserCallback(f) {
    try { f(); } catch (e) { callbackErrors.push(e); }
  }
  function errFn(msg) { logs.push(String(msg)); }

  const body = `
    var HEAPU8, HEAP32;
    function __setBuffer(b) { HEAPU8 = new Uint8Array(b); HEAP32 = new Int32Array(b); }
    function UTF8ToString(ptr) {
      var end = ptr;
      while (end < HEAPU8.length && HEAPU8[end]) end++;
      return new TextDecoder().decode(HEAPU8.slice(ptr, end));
    }
    function stringToUTF8(str, outPtr, maxBytes) {
      if (!(maxBytes > 0)) return 0;
      var bytes = new TextEncoder().encode(str);
      var n = Math.min(bytes.length, maxBytes - 1);
      while (n > 0 && n < bytes.length && (bytes[n] & 0xc0) === 0x80) n--;  // whole characters
      HEAPU8.set(bytes.subarray(0, n), outPtr);
      HEAPU8[outPtr + n] = 0;
      return n;
    }
    ${decls.join('\n')}
    return {
      setBuffer: __setBuffer,
      getHeap: function () { return HEAPU8; },
      globals: { ${globals.map((g) => `${g}: ${g}`).join(', ')} },
      imports: { ${imports.map((k) => `${k}: _${k}`).join(', ')} }
    };`;
  const make = new Function('Module', 'callUserCallback', 'err', 'Asyncify', body);
  const linked = make(Module, callUserCallback, errFn, opts.asyncify);

  let buffer = shared ? new SharedArrayBuffer(memoryBytes) : new ArrayBuffer(memoryBytes);
  linked.setBuffer(buffer);
  let brk = 1024;  // keep 0..1023 unused: pointer 0 is NULL

  // The transfer imports complete an op in one of two ways (docs/browser-bridge.md): done now
  // (the result is returned and no completion follows) or -PENDING (a completion follows). Tests
  // written against "one completion per op" see both as a completion record: a done-now result
  // is recorded here, marked `now`. env.raw holds the unwrapped imports.
  const PENDING = linked.globals.AdsBridge.PENDING;
  const wrapped = { ...linked.imports };
  for (const name of ['ads_read', 'ads_write', 'ads_udp_send', 'ads_udp_receive']) {
    const f = linked.imports[name];
    wrapped[name] = (...args) => {
      const r = f(...args);
      const op = args[1];
      if (op !== 0 && r !== -PENDING) {
        // `now` is not enumerable: records compare equal however the op completed.
        record(Object.defineProperty({ op, err: r < 0 ? -r : 0, value: r >= 0 ? r : 0 }, 'now',
                                     { value: true }));
      }
      return r;
    };
  }

  const env = {
    imports: wrapped,
    raw: linked.imports,
    // The library's globals: env.AdsBridge (codes, tunables, state), env.AdsErrors ...
    ...linked.globals,
    Module,
    completions,
    callbackErrors,
    logs,
    onComplete: null,
    onDrain: null,
    drains: 0,
    autoDrain: opts.autoDrain !== false,
    get heap() { return linked.getHeap(); },
    // Bump allocator, 16-byte aligned.
    malloc(n) {
      const p = brk;
      brk = (brk + n + 15) & ~15;
      if (brk > buffer.byteLength) throw new Error('harness memory exhausted');
      return p;
    },
    cstr(s) {
      const b = Buffer.from(String(s) + '\0', 'utf8');
      const p = env.malloc(b.length);
      env.heap.set(b, p);
      return p;
    },
    readStr(p) {
      const h = env.heap;
      let e = p;
      while (h[e]) e++;
      return Buffer.from(h.subarray(p, e)).toString('utf8');
    },
    readI32(p) { return new DataView(env.heap.buffer).getInt32(p, true); },
    // Emscripten's memory growth: a new, bigger buffer; old views are stale.
    grow(extra) {
      const nb = shared ? new SharedArrayBuffer(buffer.byteLength + extra)
                        : new ArrayBuffer(buffer.byteLength + extra);
      new Uint8Array(nb).set(new Uint8Array(buffer));
      const old = buffer;
      buffer = nb;
      linked.setBuffer(nb);
      return old;
    },
    // Deliver queued completions (as C++ would with ads_take_completions).
    take() { linked.imports.ads_take_completions(); },
    // Resolves with op's completion record. In the default auto-drain mode (what the C++ side
    // does in callback mode: _ads_drain -> ads_take_completions -> re-arm) records arrive by
    // themselves; with { autoDrain: false } the test delivers them with take().
    next(op, ms = 10000) {
      const done = completions.find((c) => c.op === op);
      if (done) return Promise.resolve(done);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) waiters.splice(i, 1);
          reject(new Error(`op ${op} did not complete within ${ms} ms`));
        }, ms);
        const w = { op, resolve: (r) => { clearTimeout(t); resolve(r); } };
        waiters.push(w);
      });
    },
    completion(op) { return completions.find((c) => c.op === op); },
  };
  if (env.autoDrain && !opts.noExports) linked.imports.ads_schedule_drain(-1);
  return env;
}

module.exports = {
  load, compileLibrary, evaluateLibrary, stringifyWithFunctions, LIBRARY_DIR, LIBRARY_FILES,
};
