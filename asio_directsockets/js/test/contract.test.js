'use strict';
// One contract: asio_directsockets/js/bridge/contract.json names every import (its C
// declaration, __sig and parameters), the two exports the bridge calls, and the result codes.
// This test proves that every place that restates it agrees with it:
//   - bridge.hpp: the extern "C" declarations (order, return and parameter types, names),
//     `enum result`, ads_wait_yield;
//   - the JS library (asio_directsockets/js/bridge/*.js, evaluated as Emscripten links it):
//     the ads_* members (order, __sig, arity, parameter names), the result codes in AdsBridge,
//     WAIT_YIELD, and the exports it looks up (AdsOps.exported);
//   - the C++ definitions of the exports (operations.cpp, browser_loop.cpp);
//   - the test kit's codes (test/support/testkit.js) and the C++ fake bridge of the fuzz tests
//     (test/fuzz/fake_bridge.cpp);
//   - docs/browser-bridge.md: the imports table and the list of error codes.
// Each checker returns a list of problems; the last tests mutate copies of every source and
// require a problem to be reported, so a checker that stopped looking would fail here.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const H = require('./support/harness');

const ROOT = path.join(__dirname, '..', '..', '..');
const CONTRACT = path.join(ROOT, 'asio_directsockets', 'js', 'bridge', 'contract.json');
const HEADER = path.join(ROOT, 'include', 'asio_directsockets', 'detail', 'backend', 'direct_sockets',
                         'bridge.hpp');
const EXPORT_SOURCES = ['operations.cpp', 'browser_loop.cpp'].map(
    (f) => path.join(ROOT, 'asio_directsockets', 'src', 'backend', 'direct_sockets', f));
const FAKE = path.join(ROOT, 'test', 'fuzz', 'fake_bridge.cpp');
const DOC = path.join(ROOT, 'docs', 'browser-bridge.md');

const read = (f) => fs.readFileSync(f, 'utf8');
const contract = JSON.parse(read(CONTRACT));

// "const char *" -> "const char*"
const normType = (t) => t.replace(/\s+/g, ' ').replace(/\s*\*/g, '*').trim();
const cDecl = (f) => `${f.returns} ${f.name}(${f.params.map((p) => `${p.type} ${p.name}`).join(', ')})`;
// wasm32: pointers and ints are i32.
const sigOf = (f) => (f.returns === 'void' ? 'v' : 'i') + f.params.map(() => 'i').join('');

// Parses C declarations or definitions `ret name(params)` from text; names may be omitted.
function parseCFunctions(text, { prefix = 'ads_' } = {}) {
  const out = [];
  const re = new RegExp(`\\b(int|void)\\s+(${prefix}\\w+)\\s*\\(([^)]*)\\)`, 'g');
  for (const m of text.matchAll(re)) {
    const raw = m[3].replace(/\s+/g, ' ').trim();
    const params = raw === '' || raw === 'void' ? [] : raw.split(',').map((p) => {
      const q = p.trim();
      const named = /^(.*?[\s*])(\w+)$/.exec(q);
      // A lone type ("int", "const char*") has no name.
      if (!named || /^(int|char|void)$/.test(named[2])) return { type: normType(q), name: null };
      return { type: normType(named[1]), name: named[2] };
    });
    out.push({ returns: m[1], name: m[2], params });
  }
  return out;
}

function compareFunctions(where, found, expected, { order = true, names = true } = {}) {
  const problems = [];
  const want = expected.map((f) => f.name);
  const got = found.map((f) => f.name);
  for (const n of want) if (!got.includes(n)) problems.push(`${where}: ${n} is missing`);
  for (const n of got) if (!want.includes(n)) problems.push(`${where}: ${n} is not in the contract`);
  for (const n of new Set(got)) {
    if (got.filter((x) => x === n).length > 1) problems.push(`${where}: ${n} appears twice`);
  }
  if (order && !problems.length && got.join() !== want.join()) {
    problems.push(`${where}: order differs from the contract: ${got.join(', ')}`);
  }
  for (const f of found) {
    const c = expected.find((e) => e.name === f.name);
    if (!c) continue;
    if (f.returns !== c.returns) problems.push(`${where}: ${f.name} returns ${f.returns}, contract: ${c.returns}`);
    if (f.params.length !== c.params.length) {
      problems.push(`${where}: ${f.name} has ${f.params.length} parameters, contract: ${c.params.length}`);
      continue;
    }
    f.params.forEach((p, i) => {
      const cp = c.params[i];
      if (p.type !== undefined && p.type !== normType(cp.type)) {
        problems.push(`${where}: ${f.name} parameter ${i + 1} is ${p.type}, contract: ${cp.type}`);
      }
      if (names && p.name !== null && p.name !== cp.name) {
        problems.push(`${where}: ${f.name} parameter ${i + 1} is named ${p.name}, contract: ${cp.name}`);
      }
    });
  }
  return problems;
}

function checkContract(c) {
  const problems = [];
  c.result_codes.forEach((r, i) => {
    if (r.value !== i) problems.push(`result code ${r.name} = ${r.value}, expected ${i} (consecutive from 0)`);
    if (r.cpp.toUpperCase() !== r.name) problems.push(`result code ${r.name}: C++ name ${r.cpp}`);
  });
  for (const f of c.imports) {
    if (f.sig !== sigOf(f)) problems.push(`${f.name}: sig ${f.sig}, its types give ${sigOf(f)}`);
  }
  return problems;
}

function checkHeader(text, c) {
  const block = /extern "C" \{([\s\S]*?)\n\}/.exec(text);
  if (!block) return ['bridge.hpp: no extern "C" block'];
  const problems = compareFunctions('bridge.hpp', parseCFunctions(block[1]), c.imports);
  const en = /enum result : int \{([\s\S]*?)\};/.exec(text);
  if (!en) return problems.concat('bridge.hpp: no enum result');
  const codes = [...en[1].matchAll(/(\w+)\s*=\s*(-?\d+)/g)].map((m) => ({ cpp: m[1], value: Number(m[2]) }));
  const want = c.result_codes.map((r) => ({ cpp: r.cpp, value: r.value }));
  if (JSON.stringify(codes) !== JSON.stringify(want)) {
    problems.push(`bridge.hpp: enum result is ${JSON.stringify(codes)}, contract: ${JSON.stringify(want)}`);
  }
  for (const k of c.constants) {
    const m = new RegExp(`constexpr int ${k.cpp} = (-?\\d+);`).exec(text);
    if (!m || Number(m[1]) !== k.value) problems.push(`bridge.hpp: ${k.cpp} is ${m && m[1]}, contract: ${k.value}`);
  }
  return problems;
}

// The parameter names of a JS function.
function jsParams(fn) {
  const m = /^[^(]*\(([^)]*)\)/.exec(String(fn));
  return m[1].split(',').map((s) => s.trim()).filter(Boolean);
}

// The consecutive integer codes at the start of AdsBridge (OK = 0, EOF = 1 ...).
function jsCodes(B) {
  const out = [];
  for (const k of Object.keys(B)) {
    if (!/^[A-Z_]+$/.test(k) || B[k] !== out.length) break;
    out.push({ name: k, value: B[k] });
  }
  return out;
}

function checkLibrary(library, c) {
  const problems = [];
  const found = Object.keys(library).filter((k) => k.startsWith('ads_') && !k.includes('__')).map((k) => ({
    name: k, returns: undefined, fn: library[k],
  }));
  const expected = c.imports;
  const got = found.map((f) => f.name);
  const want = expected.map((f) => f.name);
  for (const n of want) if (!got.includes(n)) problems.push(`JS: ${n} is missing`);
  for (const n of got) if (!want.includes(n)) problems.push(`JS: ${n} is not in the contract`);
  if (!problems.length && got.join() !== want.join()) problems.push(`JS: order differs from the contract: ${got.join(', ')}`);
  for (const f of found) {
    const e = expected.find((x) => x.name === f.name);
    if (!e) continue;
    const sig = library[f.name + '__sig'];
    if (sig !== e.sig) problems.push(`JS: ${f.name}__sig is ${sig}, contract: ${e.sig}`);
    if (typeof f.fn !== 'function') { problems.push(`JS: ${f.name} is not a function`); continue; }
    if (f.fn.length !== e.params.length) {
      problems.push(`JS: ${f.name} takes ${f.fn.length} parameters, contract: ${e.params.length}`);
    }
    const names = jsParams(f.fn);
    const cnames = e.params.map((p) => p.name);
    if (names.join() !== cnames.join()) problems.push(`JS: ${f.name}(${names.join(', ')}), contract: (${cnames.join(', ')})`);
  }
  const B = library.$AdsBridge || {};
  const codes = jsCodes(B);
  const wantCodes = c.result_codes.map((r) => ({ name: r.name, value: r.value }));
  if (JSON.stringify(codes) !== JSON.stringify(wantCodes)) {
    problems.push(`JS: AdsBridge codes are ${JSON.stringify(codes)}, contract: ${JSON.stringify(wantCodes)}`);
  }
  for (const k of c.constants) {
    if (B[k.name] !== k.value) problems.push(`JS: AdsBridge.${k.name} is ${B[k.name]}, contract: ${k.value}`);
  }
  // The exports the library calls (AdsOps.exported('name')) must be the contract's.
  const text = Object.keys(library).filter((k) => k.startsWith('$') && !k.includes('__'))
      .map((k) => H.stringifyWithFunctions(library[k])).join('\n');
  const called = [...new Set([...text.matchAll(/exported\('(\w+)'\)/g)].map((m) => m[1]))].sort();
  const exports = c.exports.map((f) => f.name).sort();
  if (called.join() !== exports.join()) problems.push(`JS: calls exports ${called.join(', ')}, contract: ${exports.join(', ')}`);
  return problems;
}

function checkExports(texts, c) {
  const found = [];
  for (const t of texts) {
    for (const m of t.matchAll(/extern "C" EMSCRIPTEN_KEEPALIVE ((?:int|void) ads_\w+\([^)]*\))/g)) {
      found.push(...parseCFunctions(m[1]));
    }
  }
  return compareFunctions('C++ exports', found, c.exports, { order: false });
}

function checkTestkit(E, c) {
  const want = Object.fromEntries(c.result_codes.map((r) => [r.name, r.value]));
  return JSON.stringify(E) === JSON.stringify(want) ? [] : [`testkit: E is ${JSON.stringify(E)}`];
}

function checkFake(text, c) {
  const start = text.lastIndexOf('extern "C" {');
  if (start < 0) return ['fake_bridge.cpp: no extern "C" block'];
  // Definitions only: `ret ads_x(...) {`.
  const defs = [...text.slice(start).matchAll(/\b(?:int|void)\s+ads_\w+\s*\([^)]*\)\s*\{/g)]
      .flatMap((m) => parseCFunctions(m[0]));
  return compareFunctions('fake_bridge.cpp', defs, c.imports, { order: false });
}

function checkDocs(md, c) {
  const problems = [];
  const sec = /### Imports\n([\s\S]*?)\n### /.exec(md);
  if (!sec) return ['browser-bridge.md: no "### Imports" section'];
  const rows = sec[1].split('\n').filter((l) => l.startsWith('| `'));
  const found = [];
  for (const r of rows) {
    const first = r.split(' | ')[0];
    for (const m of first.matchAll(/`(int|void) (ads_\w+)\(([^)]*)\)`/g)) {
      const params = m[3].trim() === '' ? [] : m[3].split(',').map((s) => ({ name: s.trim() }));
      found.push({ returns: m[1], name: m[2], params });
    }
  }
  problems.push(...compareFunctions('browser-bridge.md imports table', found, c.imports, { order: false }));
  const codes = /### Error codes\n\n([\s\S]*?)\n\n/.exec(md);
  if (!codes) return problems.concat('browser-bridge.md: no "### Error codes" section');
  const listed = [...codes[1].matchAll(/([A-Z_]+)=(\d+)/g)].map((m) => ({ name: m[1], value: Number(m[2]) }));
  const want = c.result_codes.map((r) => ({ name: r.name, value: r.value }));
  if (JSON.stringify(listed) !== JSON.stringify(want)) {
    problems.push(`browser-bridge.md: error codes are ${JSON.stringify(listed)}, contract: ${JSON.stringify(want)}`);
  }
  return problems;
}

const sources = () => ({
  header: read(HEADER),
  library: H.evaluateLibrary().library,
  exports: EXPORT_SOURCES.map(read),
  testkit: require('./support/testkit').E,
  fake: read(FAKE),
  doc: read(DOC),
});

test('the contract is self-consistent (codes consecutive from 0, __sig from the C types)', () => {
  assert.deepEqual(checkContract(contract), []);
  assert.equal(contract.imports.length, new Set(contract.imports.map((f) => f.name)).size);
});

test('bridge.hpp declares exactly the contract (imports, enum result, ads_wait_yield)', () => {
  assert.deepEqual(checkHeader(read(HEADER), contract), []);
});

test('the JS library implements exactly the contract (__sig, arity, names, codes, exports)', () => {
  assert.deepEqual(checkLibrary(H.evaluateLibrary().library, contract), []);
});

test('the C++ side defines the exports the bridge calls', () => {
  assert.deepEqual(checkExports(EXPORT_SOURCES.map(read), contract), []);
});

test('the test kit and the C++ fake bridge follow the contract', () => {
  assert.deepEqual(checkTestkit(require('./support/testkit').E, contract), []);
  assert.deepEqual(checkFake(read(FAKE), contract), []);
});

test('docs/browser-bridge.md lists the contract (imports table, error codes)', () => {
  assert.deepEqual(checkDocs(read(DOC), contract), []);
});

// Drift: each mutation of a copy must be reported by its checker.
test('drift in any of them is detected', () => {
  const s = sources();
  // (unmutated, every checker is silent, so what it reports below comes from the mutation)
  assert.deepEqual([checkContract(contract), checkHeader(s.header, contract), checkLibrary(s.library, contract),
                    checkExports(s.exports, contract), checkTestkit(s.testkit, contract),
                    checkFake(s.fake, contract), checkDocs(s.doc, contract)].flat(), []);
  const expectDrift = (what, problems) => assert.ok(problems.length > 0, `not detected: ${what}`);
  const edit = (text, from, to) => {
    assert.ok(text.includes(from), `mutation target not found: ${from}`);
    return text.replace(from, to);
  };
  // the contract itself
  const c2 = structuredClone(contract);
  c2.imports[0].sig = 'iii';
  expectDrift('contract sig', checkContract(c2));
  // bridge.hpp
  const h = s.header;
  expectDrift('hpp: renamed import', checkHeader(edit(h, 'void ads_cancel(int handle);', 'void ads_cancel2(int handle);'), contract));
  expectDrift('hpp: extra parameter', checkHeader(edit(h, 'int ads_available(int handle);', 'int ads_available(int handle, int x);'), contract));
  expectDrift('hpp: parameter type', checkHeader(edit(h, 'int ads_read(int handle, int op, void* buf', 'int ads_read(int handle, int op, char* buf'), contract));
  expectDrift('hpp: return type', checkHeader(edit(h, 'int ads_wait(int timeout_ms);', 'void ads_wait(int timeout_ms);'), contract));
  expectDrift('hpp: parameter name', checkHeader(edit(h, 'void ads_poll(int handle, int op, int dir);', 'void ads_poll(int handle, int op, int direction);'), contract));
  expectDrift('hpp: removed import', checkHeader(edit(h, 'int ads_can_block(void);', ''), contract));
  expectDrift('hpp: code value', checkHeader(edit(h, 'pending = 19', 'pending = 20'), contract));
  expectDrift('hpp: extra code', checkHeader(edit(h, 'would_block = 18,', 'would_block = 18,\n  busy = 19,'), contract));
  expectDrift('hpp: wait yield', checkHeader(edit(h, 'ads_wait_yield = -2', 'ads_wait_yield = -3'), contract));
  // the JS library
  const lib = () => ({ ...s.library, $AdsBridge: { ...s.library.$AdsBridge } });
  let l = lib(); l.ads_read__sig = 'viiii';
  expectDrift('JS: __sig', checkLibrary(l, contract));
  l = lib(); l.ads_read = function (handle, op, buf) { return [handle, op, buf]; };
  expectDrift('JS: arity', checkLibrary(l, contract));
  l = lib(); l.ads_poll = function (handle, op, direction) { return [handle, op, direction]; };
  expectDrift('JS: parameter name', checkLibrary(l, contract));
  l = lib(); delete l.ads_abort;
  expectDrift('JS: missing import', checkLibrary(l, contract));
  l = lib(); l.ads_extra = function () {}; l.ads_extra__sig = 'v';
  expectDrift('JS: extra import', checkLibrary(l, contract));
  l = lib(); l.$AdsBridge.NOT_SUPPORTED = 16;
  expectDrift('JS: code value', checkLibrary(l, contract));
  l = { ...s.library, $AdsBridge: Object.fromEntries(Object.entries(s.library.$AdsBridge).flatMap(
      ([k, v]) => (k === 'PENDING' ? [[k, v], ['BUSY', 20]] : [[k, v]]))) };
  expectDrift('JS: extra code', checkLibrary(l, contract));
  l = lib(); l.$AdsBridge.WAIT_YIELD = -3;
  expectDrift('JS: WAIT_YIELD', checkLibrary(l, contract));
  l = { ...s.library, $AdsOps: { ...s.library.$AdsOps,
    x: function () { return AdsOps.exported('ads_other'); } } };
  expectDrift('JS: unknown export', checkLibrary(l, contract));
  // the C++ exports
  expectDrift('exports: signature', checkExports(s.exports.map((t) => t.replace(
      'void ads_on_complete(int op, int err, int value)', 'void ads_on_complete(int op, int err)')), contract));
  // the test kit and the fake bridge
  expectDrift('testkit: value', checkTestkit({ ...s.testkit, EOF: 2 }, contract));
  const { WOULD_BLOCK, ...lessE } = s.testkit;
  assert.equal(WOULD_BLOCK, 18);
  expectDrift('testkit: missing code', checkTestkit(lessE, contract));
  expectDrift('fake: missing definition', checkFake(edit(s.fake, 'void ads_schedule_drain(int) {}', ''), contract));
  expectDrift('fake: parameter type', checkFake(edit(s.fake, 'int ads_pipe_eof(int) {', 'int ads_pipe_eof(long) {'), contract));
  expectDrift('fake: arity', checkFake(edit(s.fake, 'int ads_pipe_eof(int) {', 'int ads_pipe_eof(int, int) {'), contract));
  // the docs
  expectDrift('docs: parameter', checkDocs(edit(s.doc, '`void ads_accept(handle, op)`', '`void ads_accept(handle)`'), contract));
  expectDrift('docs: missing import', checkDocs(edit(s.doc, '`int ads_can_block()`', '`int ads_can_blok()`'), contract));
  expectDrift('docs: return type', checkDocs(edit(s.doc, '`int ads_available(handle)`', '`void ads_available(handle)`'), contract));
  expectDrift('docs: code', checkDocs(edit(s.doc, 'PENDING=19', 'PENDING=20'), contract));
});
