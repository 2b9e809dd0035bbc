'use strict';
// Process-wide behaviour switches. Defaults reproduce Chromium 156 as measured for this
// project (content_shell with --isolated-context-origins, no DirectSocketsDelegate; see
// docs/node-direct-sockets.md).
// install(globalThis, options) and DIRECT_SOCKETS_* environment variables change them.

const PIPE_CAPACITY = 64 * 1024;  // mojo default data pipe: core_ipcz.cc kDefaultCapacity

const PORT_POLICIES = {
  // No embedder rules: content_shell, the browser of the browser tests.
  chromium: { minServerPort: 0, minBoundUdpPort: 0 },
  // Chrome's ChromeDirectSocketsDelegate::ValidateAddressAndPortForIwa(): listening ports
  // 1024..32767 are "usually specific to selected apps", ports < 1024 are system ports.
  iwa: { minServerPort: 32768, minBoundUdpPort: 1024 },
};

const DEFAULTS = {
  emulateChromiumWriteDrop: false,   // the Blink WriteDataSynchronously SHOULD_WAIT bug
  emulateChromiumFinDrop: false,     // the Blink ResetPipe() at peer FIN: unread data is lost
  pipeCapacity: PIPE_CAPACITY,       // Chromium's renderer->network send pipe; 0 = no pipe model
  portPolicy: 'chromium',
  minServerPort: undefined,          // overrides the policy's value when set
  minBoundUdpPort: undefined,
  multicast: false,                  // RuntimeEnabled=MulticastInDirectSockets (a chrome://flag)
  exactMessages: false,              // true: no "(net::ERR_X; ECODE)" suffix on open errors
  acceptedSocketLocalAddress: false, // Chromium leaves it out (crbug.com/1417998)
  denyLocalNetwork: false,           // IWA without the loopback/local-network permission
};

function envFlag(name) {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  return !/^(0|false|no|off)$/i.test(v);
}

function fromEnv() {
  const out = {};
  const drop = envFlag('DIRECT_SOCKETS_EMULATE_WRITE_DROP');
  if (drop !== undefined) out.emulateChromiumWriteDrop = drop;
  const finDrop = envFlag('DIRECT_SOCKETS_EMULATE_FIN_DROP');
  if (finDrop !== undefined) out.emulateChromiumFinDrop = finDrop;
  const mc = envFlag('DIRECT_SOCKETS_MULTICAST');
  if (mc !== undefined) out.multicast = mc;
  const policy = process.env.DIRECT_SOCKETS_PORT_POLICY;
  if (policy) out.portPolicy = policy;
  if (process.env.DIRECT_SOCKETS_PIPE_CAPACITY) {
    out.pipeCapacity = Number(process.env.DIRECT_SOCKETS_PIPE_CAPACITY);
  }
  return out;
}

function validate(cfg) {
  for (const key of Object.keys(cfg)) {
    if (!(key in DEFAULTS)) throw new TypeError(`direct_sockets: unknown option '${key}'`);
  }
  if (!(cfg.portPolicy in PORT_POLICIES)) {
    throw new TypeError(`direct_sockets: portPolicy must be one of ${Object.keys(PORT_POLICIES)}`);
  }
  if (!Number.isInteger(cfg.pipeCapacity) || cfg.pipeCapacity < 0) {
    throw new TypeError('direct_sockets: pipeCapacity must be a non-negative integer');
  }
  if (cfg.emulateChromiumFinDrop === undefined) cfg.emulateChromiumFinDrop = false;
  if (typeof cfg.emulateChromiumFinDrop !== 'boolean') {
    throw new TypeError('direct_sockets: emulateChromiumFinDrop must be a boolean');
  }
  if (cfg.emulateChromiumWriteDrop && cfg.pipeCapacity === 0) {
    throw new TypeError('direct_sockets: emulateChromiumWriteDrop needs the pipe model');
  }
  return cfg;
}

let current = validate({ ...DEFAULTS, ...fromEnv() });

function getConfig() { return current; }

// Merge `options` over the defaults and the environment (options win).
function configure(options = {}) {
  current = validate({ ...DEFAULTS, ...fromEnv(), ...options });
  return current;
}

function portLimits(cfg = current) {
  const p = PORT_POLICIES[cfg.portPolicy];
  return {
    minServerPort: cfg.minServerPort ?? p.minServerPort,
    minBoundUdpPort: cfg.minBoundUdpPort ?? p.minBoundUdpPort,
  };
}

module.exports = { getConfig, configure, portLimits, DEFAULTS, PIPE_CAPACITY };
