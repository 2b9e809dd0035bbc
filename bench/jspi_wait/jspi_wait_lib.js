// The import jspi_wait.c waits in: a promise settled from a microtask, as the bridge's
// ads_wait is when a completion is already queued.
mergeInto(LibraryManager.library, {
  jspi_wait_import: function (i) {
    return new Promise(function (resolve) { queueMicrotask(function () { resolve(1); }); });
  }
});
