'use strict';
// CPU time and resident memory of processes and process trees, from /proc (Linux). The browser
// driver answers the wasm program's /api/cpu and /api/rss requests with these, and samples the
// browser's renderer and network service for memory probes.

const fs = require('node:fs');

const TICK_NS = 1e9 / 100;  // USER_HZ: /proc/PID/stat counts clock ticks of 10 ms

// pid -> {ppid, cutimeTicks} for every process now.
function processTable() {
  const table = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;  // gone meanwhile
    }
    // Fields after the command name (which may contain spaces and parentheses).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    table.set(Number(name), { ppid: Number(f[1]), cutime: Number(f[13]) + Number(f[14]) });
  }
  return table;
}

// The pids of root and all its descendants (root first); [] if root is gone.
function treeOf(root, table = processTable()) {
  if (!table.has(root)) return [];
  const kids = new Map();
  for (const [pid, p] of table) {
    if (!kids.has(p.ppid)) kids.set(p.ppid, []);
    kids.get(p.ppid).push(pid);
  }
  const out = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop();
    out.push(pid);
    for (const k of kids.get(pid) || []) stack.push(k);
  }
  return out;
}

// Nanoseconds process pid's threads have run (schedstat, ns precision); 0 if gone.
function processCpuNs(pid) {
  let total = 0;
  let tasks;
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  for (const tid of tasks) {
    try {
      total += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // thread gone
    }
  }
  return total;
}

// What process pid's finished (and reaped) children used, in ns (cutime + cstime; ticks).
function childrenCpuNs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) * TICK_NS;
  } catch {
    return 0;
  }
}

// CPU ns of a set of processes (a tree): each one's threads, plus what its finished children
// used (websockify forks a process per connection, which may be gone by the next sample).
function pidsCpuNs(pids) {
  let total = 0;
  for (const pid of pids) total += processCpuNs(pid) + childrenCpuNs(pid);
  return total;
}

function treeCpuNs(root, table = processTable()) {
  return pidsCpuNs(treeOf(root, table));
}

// VmRSS of pid in KiB, -1 if unreadable.
function rssKib(pid) {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : -1;
  } catch {
    return -1;
  }
}

// The command line as one string (Chromium's helpers rewrite theirs into one space-separated
// argument).
function cmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

// The browser's helper processes of one kind: 'renderer' (every renderer: the page's and a
// spare one) or 'network' (the network service, a utility process), among the browser's
// descendants.
function browserHelpers(browserPid, kind) {
  const want = kind === 'renderer' ? '--type=renderer' : 'network.mojom.NetworkService';
  return treeOf(browserPid).filter((pid) => cmdline(pid).includes(want));
}

// What kind of process pid is, for CPU breakdowns: browser, renderer, network, gpu, utility,
// zygote, or other (a proxy such as websockify).
function processKind(pid) {
  const c = cmdline(pid);
  if (c.includes('network.mojom.NetworkService')) return 'network';
  const m = /--type=([a-z-]+)/.exec(c);
  if (m) return m[1] === 'gpu-process' ? 'gpu' : m[1];
  return c.includes('chrom') ? 'browser' : 'other';
}

// CPU ns per "<process kind>/<thread name>" over a set of pids (threads of one name summed).
function threadCpu(pids) {
  const out = {};
  for (const pid of pids) {
    const kind = processKind(pid);
    let tasks;
    try {
      tasks = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const ns = Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
        const name = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim().replace(/[0-9]+$/, '');
        const key = `${kind}/${name}`;
        out[key] = (out[key] || 0) + ns;
      } catch {
        // thread gone
      }
    }
  }
  return out;
}

module.exports = { threadCpu, processTable, treeOf, treeCpuNs, pidsCpuNs, processCpuNs, rssKib, browserHelpers };
