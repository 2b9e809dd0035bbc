'use strict';
// Runs an unchanged Emscripten program (its generated .js + .wasm, not MODULARIZE) in the current
// global scope, a page or a dedicated Worker, and reports everything through `emit(message)`:
//   {t: 'out' | 'err', s: line}        one line of stdout / stderr
//   {t: 'exit', status, how}           main() returned (how: 'main') or exit() was called ('exit')
//   {t: 'abort', what}                 abort(), std::terminate, a wasm trap
//   {t: 'fatal', kind, message}        kind: 'no-direct-sockets' | 'load' | 'exception'
// Only the first final message (exit/abort/fatal) counts; output after it is not sent.
//
// The exit status needs care under Emscripten 3.1.6 with the default EXIT_RUNTIME=0: when main()
// returns the runtime calls quit_() only as a formality (and, with -sASYNCIFY, does so as soon as
// main first *suspends*, with a meaningless value, then drops main's real return value). So the
// host wraps Module._main: a synchronous return is main's status; a suspended main (Asyncify has
// saved its stack) reports through Asyncify.whenDone() when it really returns. Module.quit then
// only reports explicit exit() calls. A JSPI build (asio_directsockets::blocking with
// -DASIO_DS_BLOCKING=jspi) enters main() through WebAssembly.promising and leaves that promise in
// Module.adsMainDone. Both Module hooks are documented Emscripten settings; the
// Asyncify object is the global the non-MODULARIZE build defines.

(function (global) {
  function describe(e) {
    if (e === undefined || e === null) return String(e);
    // A C++ exception under Emscripten's JS exceptions is the thrown object's address; programs
    // of asio_directsockets can say what it was (js/runtime/uncaught.js).
    const M = global.Module;
    if (typeof e === 'number' && M && typeof M.adsDescribeException === 'function') {
      const text = M.adsDescribeException(e);
      if (text) return text.replace(/\n/g, ' | ');
    }
    if (typeof e === 'object' && e.stack) return String(e.stack).split('\n').slice(0, 6).join(' | ');
    return String(e);
  }

  function isExitStatus(e) {
    return !!e && typeof e === 'object' && e.name === 'ExitStatus';
  }

  // Checks that Direct Sockets is usable here; returns null or an explanation.
  function directSocketsProblem() {
    if (typeof global.TCPSocket === 'function') return null;
    const where = typeof global.WorkerGlobalScope === 'function' &&
                  global instanceof global.WorkerGlobalScope ? 'dedicated Worker' : 'page';
    return `Direct Sockets API missing in the ${where}: typeof TCPSocket is ` +
           `'${typeof global.TCPSocket}', crossOriginIsolated=${global.crossOriginIsolated}, ` +
           `isSecureContext=${global.isSecureContext} (needs content_shell with ` +
           `--isolated-context-origins=http://127.0.0.1 and COOP/COEP/Permissions-Policy ` +
           `headers, or an Isolated Web App)`;
  }

  // The library's JS bridge keeps counters of its write discipline (docs/browser-bridge.md).
  function bridgeStats() {
    const B = global.AdsBridge;
    if (!B || !B.stats) return 'no asio_directsockets bridge activity';
    return JSON.stringify({ stats: B.stats, pipes: B.pipes },
                          (k, v) => (v === Infinity ? 'unknown' : v));
  }

  // config: {program: URL of the .js, args: [...], waitForExit, requireDirectSockets, bridgeStats}
  // load(url, onError): adds the program's script to this scope (a <script> or importScripts).
  // The runner's standard input (run.js --stdin), for Emscripten's Module.stdin: a byte, null at
  // end of file, or undefined when a read that has bytes already would have to wait (the read
  // ends with them). Emscripten asks synchronously, so a read that finds nothing waits with a
  // synchronous request that the runner answers when more input comes (stdin_feed.js). A pthread
  // of a -pthread build reads the feed itself (js/runtime/stdin_on_thread.js).
  function stdinReader() {
    let bytes = new Uint8Array(0);
    let next = 0;
    let eof = false;
    let served = false;  // this read has bytes already
    // Emscripten's FS.read says where a read starts (a global of the program's script).
    const preRun = () => {
      const fs = global.FS;
      if (!fs || typeof fs.read !== 'function') return;
      const read = fs.read;
      fs.read = function (stream, ...rest) {
        if (stream && stream.fd === 0) served = false;
        return read.call(this, stream, ...rest);
      };
    };
    const input = () => {
      if (next < bytes.length) {
        served = true;
        return bytes[next++];
      }
      if (eof) return null;
      if (served) {
        served = false;
        return undefined;
      }
      const xhr = new XMLHttpRequest();
      xhr.open('GET', '/run/stdin?max=4096', false);
      xhr.send();
      if (xhr.status !== 200) return null;
      const answer = JSON.parse(xhr.responseText);
      bytes = Uint8Array.from(atob(answer.data), (c) => c.charCodeAt(0));
      next = 0;
      if (!bytes.length) {
        eof = true;
        return null;
      }
      served = true;
      return bytes[next++];
    };
    return { input, preRun };
  }

  function startProgram(config, emit, load) {
    let finished = false;
    let aborting = false;  // abort() reports itself; the errors it throws are not news
    const finish = (msg) => {
      if (finished) return;
      finished = true;
      if (config.bridgeStats) emit({ t: 'bridge-stats', text: bridgeStats() });
      emit(msg);
    };
    // An exception that ended the program: a wasm trap counts as an abort, as natively.
    const failed = (e, what = 'exception') => {
      if (aborting || finished) return;
      if (typeof WebAssembly === 'object' && e instanceof WebAssembly.RuntimeError) {
        finish({ t: 'abort', what: `wasm trap: ${e.message}` });
      } else {
        finish({ t: 'fatal', kind: 'exception', message: `uncaught ${what}: ${describe(e)}` });
      }
    };
    const line = (t) => (text) => {
      if (!finished) emit({ t, s: String(text) });
    };

    if (config.requireDirectSockets !== false) {
      const problem = directSocketsProblem();
      if (problem) {
        finish({ t: 'fatal', kind: 'no-direct-sockets', message: problem });
        return;
      }
    }

    const programUrl = new URL(config.program, global.location.href);
    const base = new URL('.', programUrl).href;
    const name = decodeURIComponent(programUrl.pathname.split('/').pop());
    let inImplicitExit = false;

    const mainReturned = (status) => {
      if (!config.waitForExit) finish({ t: 'exit', status, how: 'main' });
    };

    const Module = {
      arguments: (config.args || []).map(String),
      thisProgram: name,
      print: line('out'),
      printErr: line('err'),
      locateFile: (file) => base + file,
      // -pthread builds: each pthread's Worker loads the program's script (in a Worker host,
      // Emscripten would otherwise take the host's own script URL).
      mainScriptUrlOrBlob: programUrl.href,
      // A -pthread program ends here when main() returns (js/runtime/program_end.js), also when
      // main() ran on a pthread (-sPROXY_TO_PTHREAD), where the hooks below never see it.
      onExit: (status) => finish({ t: 'exit', status, how: 'exit' }),
      onAbort: (what) => {
        aborting = true;
        // Emscripten prints "Aborted(...)" right after this hook: let that line out first.
        setTimeout(() => finish({ t: 'abort', what: describe(what) }), 0);
      },
      quit: (status, toThrow) => {
        if (inImplicitExit) {
          inImplicitExit = false;  // the formality after main(): its status is handled below
        } else if (isExitStatus(toThrow)) {
          finish({ t: 'exit', status, how: 'exit' });
        } else {
          failed(toThrow);
        }
        throw toThrow;  // as Emscripten's own quit_: unwinds the wasm stack
      },
      onRuntimeInitialized: () => {
        const realMain = Module._main;
        if (typeof realMain !== 'function') return;  // no main(): the program ends with exit()
        Module._main = function (...argv) {
          const ret = realMain.apply(this, argv);
          const A = global.Asyncify;
          const jspiDone = Module.adsMainDone;  // JSPI (asio_directsockets/js/blocking_exit_status.js)
          // A suspended main() ends later: by returning, by exit() or by an exception.
          const mainEnded = (e) => {
            if (isExitStatus(e)) finish({ t: 'exit', status: e.status, how: 'exit' });
            else failed(e);
          };
          if (jspiDone && typeof jspiDone.then === 'function') {
            // main() runs on a JSPI stack: the promise settles with its return value.
            jspiDone.then(mainReturned, mainEnded);
          } else if (A && A.currData) {
            // main() is suspended (-sASYNCIFY): its return value arrives when it finishes.
            A.whenDone().then(mainReturned, mainEnded);
          } else {
            mainReturned(ret);
          }
          inImplicitExit = true;
          return ret;
        };
      },
    };

    if (config.stdin) {
      const reader = stdinReader();
      Module.stdin = reader.input;
      Module.preRun = [reader.preRun];
      Module.adsStdinFeed = '/run/stdin';  // pthreads read it themselves (stdin_on_thread.js)
    }

    const onUncaught = (what) => (ev) => {
      const e = what === 'error' ? (ev.error !== undefined ? ev.error : ev.message) : ev.reason;
      if (isExitStatus(e) || e === 'unwind') return;
      failed(e, what === 'error' ? 'exception' : 'promise rejection');
    };
    global.addEventListener('error', onUncaught('error'));
    global.addEventListener('unhandledrejection', onUncaught('rejection'));

    global.Module = Module;
    load(programUrl.href, (message) => finish({ t: 'fatal', kind: 'load', message }));
  }

  // Isolated Web Apps get a CSP with `require-trusted-types-for 'script'`: script URLs (our
  // <script src>, importScripts) must then pass a policy. The default policy admits same-origin
  // URLs only, which is all the harness and an Emscripten program load.
  function allowSameOriginScripts() {
    const tt = global.trustedTypes;
    if (!tt || typeof tt.createPolicy !== 'function' || tt.defaultPolicy) return;
    try {
      tt.createPolicy('default', {
        createScriptURL: (url) => {
          const u = new URL(url, global.location.href);
          if (u.origin !== global.location.origin) throw new TypeError(`script URL not same-origin: ${url}`);
          return url;
        },
      });
    } catch (e) {
      // A CSP `trusted-types` list without "default": nothing to do but report it when loading.
    }
  }
  allowSameOriginScripts();

  global.adsProgramHost = { startProgram, directSocketsProblem };
})(globalThis);
