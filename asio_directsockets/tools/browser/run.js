#!/usr/bin/env node
'use strict';
// Runs an Emscripten-built program in headless Chromium with real Direct Sockets, streams its
// stdout/stderr, and exits with its status (see docs/browser-tests.md).
//
//   node asio_directsockets/tools/browser/run.js [options] path/to/prog.js [-- args...]
//     --mode page|worker   run in the page (default) or in a dedicated Worker
//     --timeout S          give up after S seconds (default 600) -> status 124
//     --wait-for-exit      a callback-mode program: main() returning does not end the run,
//                          exit() does
//     --browser PATH       browser binary (default /usr/lib/chromium/chromium-shell, or
//                          $ADS_BROWSER)
//     --browser-flag F     one more browser flag (repeatable)
//     --stdin              this command's standard input is the program's, as it arrives (a
//                          read blocks the browser's main thread until more comes: stdin_feed.js)
//     --bridge-stats       print the library bridge's write counters (drops re-issued ...)
//                          to stderr when the program ends
//     --verbose            browser stderr (less what a headless container always complains
//                          about: browser_noise.js), console and log messages too
//     --verbose=all        the same with nothing filtered
//     --quiet              no progress lines (routes with phases, as iwa.js, print one each)

const { runProgram } = require('./run_program');
const { EXIT } = require('./exit_codes');
const { noiseFilter } = require('./browser_noise');

const USAGE = 'usage: run.js [--mode page|worker] [--timeout S] [--wait-for-exit] ' +
              '[--browser PATH] [--browser-flag F]... [--stdin] [--bridge-stats] [--verbose[=all]] [--quiet] prog.js [-- args...]';

// The options every browser command takes (run.js, iwa.js in both forms): true if `a` was one.
// `value()` takes the option's value from the next argument.
function commonOption(a, value, o) {
  if (a === '--timeout') o.timeoutS = Number(value());
  else if (a.startsWith('--timeout=')) o.timeoutS = Number(a.slice(10));
  else if (a === '--browser') o.browser = value();
  else if (a === '--browser-flag') o.flags.push(value());
  else if (a === '--verbose') o.verbose = true;
  else if (a === '--verbose=all') o.verbose = 'all';
  else if (a === '--quiet') o.quiet = true;
  else return false;
  return true;
}

function parseArgs(argv) {
  const o = { mode: 'page', timeoutS: 600, flags: [], args: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--') {
      o.args = argv.slice(i + 1);
      break;
    } else if (a === '--mode') o.mode = value();
    else if (a.startsWith('--mode=')) o.mode = a.slice(7);
    else if (a === '--wait-for-exit') o.waitForExit = true;
    else if (a === '--bridge-stats') o.bridgeStats = true;
    else if (a === '--stdin') o.stdin = true;
    else if (commonOption(a, value, o)) continue;
    else if (a === '--help' || a === '-h') o.help = true;
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else if (!o.program) o.program = a;
    else throw new Error(`unexpected argument ${a} (program arguments go after --)`);
  }
  if (o.help) return o;
  if (!o.program) throw new Error('no program given');
  if (o.mode !== 'page' && o.mode !== 'worker') throw new Error(`--mode must be page or worker, not '${o.mode}'`);
  if (!(o.timeoutS > 0)) throw new Error('--timeout must be a positive number of seconds');
  return o;
}

async function main(argv, { name = 'run.js', route } = {}) {
  let o;
  try {
    o = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`${name}: ${e.message}\n${USAGE.replace('run.js', name)}\n`);
    return EXIT.USAGE;
  }
  if (o.help) {
    process.stdout.write(USAGE.replace('run.js', name) + '\n');
    return 0;
  }
  if (o.stdin) o.stdin = process.stdin;
  return runAndReport(name, { ...o, ...(route ? { route } : {}) }, runProgram);
}

// Runs `start(options)` with the command's browser stderr and progress lines, says why a run that
// did not end by the program's own exit ended, and resolves to the exit status.
async function runAndReport(name, o, start) {
  const result = await start({
    ...o,
    onBrowserStderr: browserStderr(o.verbose),
    onProgress: o.quiet ? undefined : (line) => process.stderr.write(`${name}: ${line}\n`),
  });
  if (result.kind !== 'exit') process.stderr.write(`${name}: ${result.message}\n`);
  return result.status;
}

function browserStderr(verbose) {
  const write = (t) => process.stderr.write(t);
  if (verbose === 'all') return write;
  return verbose ? noiseFilter(write) : undefined;
}

// Exits with the status `running` resolves to, once stdout has drained.
function exitWhenDone(name, running) {
  running.then(
    (status) => process.stdout.write('', () => process.exit(status)),
    (e) => {
      process.stderr.write(`${name}: internal error: ${e && e.stack ? e.stack : e}\n`);
      process.exit(EXIT.BROWSER);
    });
}

// Runs main() and exits with its status.
function runCli(argv, options = {}) {
  exitWhenDone(options.name || 'run.js', main(argv, options));
}

if (require.main === module) runCli(process.argv.slice(2));

module.exports = { parseArgs, runCli, commonOption, runAndReport, exitWhenDone };
