'use strict';
// The dedicated-Worker harness: receives the run configuration from the page, runs the program
// in this Worker's global scope and posts every report back (the page forwards them).

// Under an Isolated Web App's CSP (`require-trusted-types-for 'script'`) importScripts needs a
// Trusted Types policy first; program_host.js then finds this one and keeps it.
if (self.trustedTypes && !self.trustedTypes.defaultPolicy) {
  self.trustedTypes.createPolicy('default', {
    createScriptURL: (url) => {
      if (new URL(url, self.location.href).origin !== self.location.origin) {
        throw new TypeError(`script URL not same-origin: ${url}`);
      }
      return url;
    },
  });
}
importScripts('program_host.js');

self.onmessage = (ev) => {
  self.onmessage = null;  // one program per Worker
  const loadScript = (url, onError) => {
    try {
      importScripts(url);
    } catch (e) {
      // A network failure is a load error; anything else is the program's own top-level throw.
      if (e && e.name === 'NetworkError') onError(`cannot load the program script ${url}: ${e.message}`);
      else throw e;
    }
  };
  self.adsProgramHost.startProgram(ev.data, (msg) => self.postMessage(msg), loadScript);
};
