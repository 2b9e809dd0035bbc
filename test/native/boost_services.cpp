// I/O objects the library does not replace (local sockets, pipes) still work on
// boost::asio::io_context, which is the library's: Boost's own services run
// them, and their completions come back through the context's executor, on the
// thread calling run(), while run() keeps waiting for them (not on Boost's
// internal reactor thread, and not after run() has returned).
#include "helpers.hpp"

#include <boost/asio/connect_pipe.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/writable_pipe.hpp>

#include <string>
#include <thread>

using namespace native;

namespace {

// Reads 5 bytes from `in` while another thread writes them to `out` 50 ms
// later; returns whether the completion ran on this thread, inside run().
template <typename In, typename Out>
void completes_on_the_running_thread(boost::asio::io_context& ioc, In& in, Out& out) {
  std::string got(5, '\0');
  error_code result = boost::asio::error::would_block;
  bool on_run_thread = false;
  const auto runner = std::this_thread::get_id();
  boost::asio::async_read(in, boost::asio::buffer(got), [&](error_code ec, std::size_t n) {
    result = ec;
    BOOST_TEST(n == 5u);
    on_run_thread =
        std::this_thread::get_id() == runner && ioc.get_executor().running_in_this_thread();
  });
  std::thread writer([&] {
    std::this_thread::sleep_for(50ms);
    boost::asio::write(out, boost::asio::buffer("hello", 5));
  });
  // run() with nothing else to do: it must wait for the pending read.
  ioc.run();
  writer.join();
  BOOST_TEST(result == error_code());
  BOOST_TEST(got == "hello");
  BOOST_TEST(on_run_thread);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(boost_services)

BOOST_AUTO_TEST_CASE(local_stream_socket_completes_on_run_thread) {
  boost::asio::io_context ioc;
  boost::asio::local::stream_protocol::socket a(ioc), b(ioc);
  boost::asio::local::connect_pair(a, b);
  completes_on_the_running_thread(ioc, a, b);
}

BOOST_AUTO_TEST_CASE(pipe_completes_on_run_thread) {
  boost::asio::io_context ioc;
  boost::asio::readable_pipe r(ioc);
  boost::asio::writable_pipe w(ioc);
  boost::asio::connect_pipe(r, w);
  completes_on_the_running_thread(ioc, r, w);
}

BOOST_AUTO_TEST_CASE(local_socket_through_any_io_executor_and_strand) {
  boost::asio::io_context ioc;
  boost::asio::local::stream_protocol::socket a(boost::asio::make_strand(ioc)), b(ioc);
  boost::asio::local::connect_pair(a, b);
  completes_on_the_running_thread(ioc, a, b);
}

BOOST_AUTO_TEST_SUITE_END()
