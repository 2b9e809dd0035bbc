'use strict';
// Opens the browser's first page over CDP and watches it: a binding through which the harness
// reports, console messages (also from the page's Workers, via auto-attach), uncaught
// exceptions, and the renderer being killed or crashing.

const BINDING = '__adsRunnerEmit';

// events: onReport(msg), onConsole(level, text, where), onLog(level, text), onCrash(description)
// match(targetInfo): picks the page to attach to (default: the browser's first page).
async function openPageSession(cdp, events, { match = (t) => t.type === 'page', what = 'page target' } = {}) {
  await cdp.send('Target.setDiscoverTargets', { discover: true });
  let page;
  // A target just created (an app window opened by PWA.launch) may be listed a moment later.
  for (const t0 = Date.now(); !page && Date.now() - t0 < 10000;) {
    const { targetInfos } = await cdp.send('Target.getTargets');
    page = targetInfos.find(match);
    if (!page) await new Promise((r) => setTimeout(r, 100));
  }
  if (!page) throw new Error(`the browser has no ${what}`);
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: page.targetId, flatten: true });
  const sessions = new Map([[sessionId, 'page']]);

  let crashed = false;
  const crash = (description) => {
    if (crashed) return;
    crashed = true;
    events.onCrash(description);
  };
  cdp.on('Target.targetCrashed', (p) => {
    if (p.targetId === page.targetId) crash({ status: p.status, errorCode: p.errorCode });
  });
  cdp.on('Inspector.targetCrashed', (_, sid) => {
    if (sid === sessionId) crash({ status: 'crashed' });
  });
  cdp.on('Runtime.bindingCalled', (p, sid) => {
    if (sid !== sessionId || p.name !== BINDING) return;
    let msg;
    try {
      msg = JSON.parse(p.payload);
    } catch {
      return;
    }
    events.onReport(msg);
  });
  cdp.on('Runtime.consoleAPICalled', (p, sid) => {
    if (!sessions.has(sid)) return;
    const text = (p.args || []).map((a) => (a.value !== undefined ? String(a.value) : a.description || a.type)).join(' ');
    events.onConsole(p.type, text, sessions.get(sid));
  });
  cdp.on('Runtime.exceptionThrown', (p, sid) => {
    if (!sessions.has(sid)) return;
    const d = p.exceptionDetails || {};
    const text = (d.exception && d.exception.description) || d.text || 'exception';
    events.onConsole('exception', text, sessions.get(sid));
  });
  cdp.on('Log.entryAdded', (p, sid) => {
    if (sessions.has(sid)) events.onLog(p.entry.level, p.entry.text);
  });
  // Workers started by the page: listen to their console too.
  cdp.on('Target.attachedToTarget', (p, sid) => {
    if (sid !== sessionId) return;
    const child = p.sessionId;
    sessions.set(child, p.targetInfo.type);
    cdp.send('Runtime.enable', {}, child).catch(() => {});
    cdp.send('Runtime.runIfWaitingForDebugger', {}, child).catch(() => {});
  });

  await cdp.send('Runtime.enable', {}, sessionId);
  await cdp.send('Runtime.addBinding', { name: BINDING }, sessionId);
  await cdp.send('Inspector.enable', {}, sessionId).catch(() => {});
  await cdp.send('Log.enable', {}, sessionId).catch(() => {});
  await cdp.send('Page.enable', {}, sessionId).catch(() => {});
  await cdp.send('Target.setAutoAttach',
                 { autoAttach: true, waitForDebuggerOnStart: false, flatten: true }, sessionId)
      .catch(() => {});

  return {
    targetId: page.targetId,
    sessionId,
    navigate: async (url) => {
      const r = await cdp.send('Page.navigate', { url }, sessionId);
      if (r && r.errorText) throw new Error(`cannot open ${url}: ${r.errorText}`);
    },
  };
}

module.exports = { openPageSession, BINDING };
