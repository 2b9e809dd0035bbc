// What one JSPI suspension costs: a wasm loop that waits N times in an import returning a
// promise (wrapped in WebAssembly.Suspending), against the same N awaits in plain JS. Built and
// run by run.sh; docs/benchmarks.md ("Where the time goes now") cites its numbers.
#include <emscripten.h>

extern int jspi_wait_import(int);

EMSCRIPTEN_KEEPALIVE int jspi_wait_loop(int n) {
  int sum = 0;
  for (int i = 0; i < n; i++)
    sum += jspi_wait_import(i);
  return sum;
}

int main() {
  return 0;
}
