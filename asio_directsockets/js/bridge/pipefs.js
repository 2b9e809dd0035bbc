// Not a socket: Emscripten 3.1.6's PIPEFS never reports end-of-file (ads_pipe_eof).
// Part of the bridge library: docs/browser-bridge.md.

mergeInto(LibraryManager.library, {
  $AdsPipefs__deps: [],
  $AdsPipefs: {
    // Emscripten 3.1.6's PIPEFS never reports end-of-file: a read on an empty pipe whose write
    // end is closed fails with EAGAIN forever. 1 when fd is the read end of such a pipe.
    pipeEof: function (fd) {
      if (typeof FS === 'undefined' || !FS || !FS.streams) return 0;
      var st = FS.streams[fd];
      if (!st || !st.node || !st.node.pipe || (st.flags & 3) !== 0) return 0;
      var pipe = st.node.pipe;
      var b = pipe.buckets || [];
      for (var i = 0; i < b.length; i++) if (b[i].offset - b[i].roffset > 0) return 0;
      for (var j = 0; j < FS.streams.length; j++) {
        var o = FS.streams[j];
        if (o && o.node && o.node.pipe === pipe && (o.flags & 3) !== 0) return 0;   // a writer
      }
      return 1;
    }
  }
});
