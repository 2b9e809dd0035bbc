// Callback mode: an io_context that is a local of main() dies when main() returns, right after
// run() returned at once, and its handlers would never run. The library says so on stderr
// (browser_reactor::shutdown); a context that outlives main() runs its timer and says nothing.
//   callback_context_lifetime local|static
#include <asio_directsockets.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>

namespace net = asio_directsockets;

void start(net::io_context& ioc, net::steady_timer& timer) {
  timer.expires_after(std::chrono::milliseconds(50));
  timer.async_wait(
      [](boost::system::error_code ec) { std::printf("timer fired (%d)\n", ec.value()); });
  ioc.run();  // callback mode: returns at once, the timer still pending
}

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "local") == 0) {
    net::io_context ioc;
    net::steady_timer timer(ioc);
    start(ioc, timer);
  } else {
    static net::io_context ioc;
    static net::steady_timer timer(ioc);
    start(ioc, timer);
  }
  std::printf("main returns\n");
}
