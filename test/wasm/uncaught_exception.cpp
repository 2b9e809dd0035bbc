// An exception nobody catches, thrown where the argument says; run by test/CMakeLists.txt through
// test/support/expect_exit.js, which checks that the program fails with status 1 and says, as a
// native program does, what was thrown (js/runtime/uncaught.js, docs/browser.md):
//   main      std::runtime_error from main() before it ever waits
//   handler   std::logic_error from a completion handler, after run() suspended (blocking mode;
//             this once ended the program with status 0 and no output)
//   plain     a type not derived from std::exception: its name only
#include <boost/asio.hpp>

#include <chrono>
#include <iostream>
#include <stdexcept>
#include <string>

namespace net = asio_directsockets;

struct not_a_std_exception {};

int main(int argc, char** argv) {
  const std::string where = argc > 1 ? argv[1] : "";
  if (where == "main") throw std::runtime_error("thrown in main");
  if (where == "plain") throw not_a_std_exception{};
  net::io_context ioc;
  net::steady_timer timer(ioc, std::chrono::milliseconds(10));
  timer.async_wait([](boost::system::error_code) {
    std::cout << "the handler runs" << std::endl;
    throw std::logic_error("thrown by a handler");
  });
  ioc.run();
  std::cout << "not reached" << std::endl;
  return 0;
}
