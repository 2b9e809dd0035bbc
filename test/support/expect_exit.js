// Runs a program that is meant to fail, and checks how: its exit status and that its output
// (stdout and stderr together) contains every given text.
//   node expect_exit.js <status> [--expect TEXT]... -- <program> [args...]
'use strict';
const { spawnSync } = require('node:child_process');

const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
if (sep < 1) {
  console.error('usage: node expect_exit.js <status> [--expect TEXT]... -- <program> [args...]');
  process.exit(2);
}
const want = Number(argv[0]);
const expect = [];
for (let i = 1; i < sep; i += 2) {
  if (argv[i] !== '--expect' || i + 1 >= sep) throw new Error(`bad argument ${argv[i]}`);
  expect.push(argv[i + 1]);
}
const [cmd, ...args] = argv.slice(sep + 1);
const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120000, maxBuffer: 64 << 20 });
const out = (r.stdout || '') + (r.stderr || '');
process.stdout.write(out.length > 4000 ? out.slice(0, 2000) + '\n…\n' + out.slice(-2000) : out);
let ok = true;
if (r.status !== want) {
  console.log(`FAIL: exit status ${r.status ?? r.signal ?? r.error}, expected ${want}`);
  ok = false;
}
for (const text of expect) {
  if (!out.includes(text)) {
    console.log(`FAIL: output lacks ${JSON.stringify(text)}`);
    ok = false;
  }
}
console.log(ok ? 'expect_exit: ok' : 'expect_exit: FAILED');
process.exit(ok ? 0 : 1);
