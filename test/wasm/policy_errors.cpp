// The browser build where the platform says no: each case runs in an environment set up by
// its ctest entry (test/CMakeLists.txt) and checks that every operation completes with one
// clear error_code, that nothing throws out of the bridge, and that the program goes on.
//   no_direct_sockets      no TCPSocket/UDPSocket/TCPServerSocket at all: a page that is not
//                          cross-origin isolated, or a Node without the implementation
//                          (policy_pre.js deletes them) -> operation_not_supported
//   iwa_port_rules         Chrome's IWA port rules (DIRECT_SOCKETS_PORT_POLICY=iwa): listening
//                          below 32768 and bound UDP below 1024 -> access_denied
//   local_network_denied   no local-network permission (policy_pre.js) -> access_denied
#define BOOST_TEST_MODULE wasm_policy_errors
#include <boost/config.hpp>
#undef BOOST_HAS_SIGACTION  // see conformance_ours.cpp: sigsetjmp and ASYNCIFY do not mix
#include <asio_directsockets.hpp>
#include <boost/test/included/unit_test.hpp>

#include <array>
#include <chrono>
#include <functional>
#include <random>

namespace {

namespace net = asio_directsockets;
using tcp = net::ip::tcp;
using udp = net::ip::udp;
using error_code = boost::system::error_code;
using clk = std::chrono::steady_clock;
using namespace std::chrono_literals;

const auto lo = net::ip::address_v4::loopback();

#define CHECK_EC(ec, expected)                                                               \
  BOOST_TEST((ec) == (expected), "got " << (ec) << " '" << (ec).message() << "', expected '" \
                                        << error_code(expected).message() << "'")

bool run_until(net::io_context& ioc, const std::function<bool()>& done) {
  const auto deadline = clk::now() + 20s;
  ioc.restart();
  while (!done() && clk::now() < deadline)
    ioc.run_one_for(100ms);
  BOOST_TEST(done(), "operations did not complete within 20 s");
  return done();
}

// The asynchronous connect's error, and the synchronous one's.
void check_connect(net::io_context& ioc, const tcp::endpoint& ep, error_code expected) {
  tcp::socket s(ioc);
  error_code async_ec = net::error::fault;
  bool done = false;
  s.async_connect(ep, [&](error_code ec) {
    async_ec = ec;
    done = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  CHECK_EC(async_ec, expected);
  tcp::socket t(ioc);
  error_code sync_ec;
  t.connect(ep, sync_ec);
  CHECK_EC(sync_ec, expected);
}

// The context itself keeps working: a timer and a post complete.
void check_context_alive(net::io_context& ioc) {
  net::steady_timer t(ioc, 5ms);
  bool fired = false, posted = false;
  t.async_wait([&](error_code ec) { fired = !ec; });
  net::post(ioc, [&] { posted = true; });
  BOOST_TEST(run_until(ioc, [&] { return fired && posted; }));
}

}  // namespace

BOOST_AUTO_TEST_CASE(no_direct_sockets) {
  net::io_context ioc;
  check_connect(ioc, tcp::endpoint(lo, 9), net::error::operation_not_supported);

  error_code ec;
  tcp::acceptor a(ioc);
  a.open(tcp::v4(), ec);
  BOOST_TEST(!ec);  // opening only makes a descriptor; Direct Sockets is first needed below
  a.bind(tcp::endpoint(lo, 0), ec);
  BOOST_TEST(!ec);
  a.listen(5, ec);
  CHECK_EC(ec, net::error::operation_not_supported);
  try {
    tcp::acceptor b(ioc, tcp::endpoint(lo, 0));
    BOOST_ERROR("the acceptor constructor did not throw");
  } catch (const boost::system::system_error& e) {
    CHECK_EC(e.code(), net::error::operation_not_supported);
  }

  udp::socket u(ioc, udp::v4());
  u.bind(udp::endpoint(lo, 0), ec);
  CHECK_EC(ec, net::error::operation_not_supported);
  udp::socket v(ioc, udp::v4());
  std::array<char, 4> buf{'d', 'a', 't', 'a'};
  error_code send_ec = net::error::fault;
  bool sent = false;
  v.async_send_to(net::buffer(buf), udp::endpoint(lo, 9), [&](error_code ec, std::size_t n) {
    send_ec = ec;
    BOOST_TEST(n == 0u);
    sent = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return sent; }));
  CHECK_EC(send_ec, net::error::operation_not_supported);
  check_context_alive(ioc);
}

BOOST_AUTO_TEST_CASE(iwa_port_rules) {
  net::io_context ioc;
  error_code ec;
  for (unsigned short port : {1u, 80u, 1024u, 8080u, 32767u}) {
    BOOST_TEST_CONTEXT("listening on port " << port) {
      tcp::acceptor a(ioc);
      a.open(tcp::v4());
      a.bind(tcp::endpoint(lo, port), ec);
      BOOST_TEST(!ec);
      a.listen(5, ec);
      CHECK_EC(ec, net::error::access_denied);
    }
  }
  // Port 0 lets the OS choose, from the ephemeral range: allowed.
  tcp::acceptor any(ioc, tcp::endpoint(lo, 0));
  BOOST_TEST(any.local_endpoint().port() >= 32768);
  // Ports from 32768 up are allowed (a random one, retried if taken).
  std::minstd_rand rng(static_cast<unsigned>(clk::now().time_since_epoch().count()));
  bool listened = false;
  for (int attempt = 0; attempt < 10 && !listened; ++attempt) {
    tcp::acceptor a(ioc);
    a.open(tcp::v4());
    a.bind(tcp::endpoint(lo, static_cast<unsigned short>(40000 + rng() % 20000)), ec);
    if (!ec) a.listen(5, ec);
    if (ec == net::error::address_in_use) continue;
    BOOST_TEST(!ec, "listening on a high port: " << ec.message());
    listened = true;
  }
  BOOST_TEST(listened);

  for (unsigned short port : {1u, 53u, 1023u}) {
    BOOST_TEST_CONTEXT("bound UDP on port " << port) {
      udp::socket u(ioc, udp::v4());
      u.bind(udp::endpoint(lo, port), ec);
      CHECK_EC(ec, net::error::access_denied);
    }
  }
  udp::socket ok(ioc, udp::v4());
  ok.bind(udp::endpoint(lo, 0), ec);
  BOOST_TEST(!ec);
  // Connecting to a low port is not restricted: a closed one is refused as usual.
  check_connect(ioc, tcp::endpoint(lo, 1), net::error::connection_refused);
  check_context_alive(ioc);
}

BOOST_AUTO_TEST_CASE(local_network_denied) {
  net::io_context ioc;
  tcp::acceptor listener(ioc, tcp::endpoint(lo, 0));  // listening is not the local network rule
  check_connect(ioc, listener.local_endpoint(), net::error::access_denied);

  udp::socket u(ioc);
  u.connect(udp::endpoint(lo, 9));
  std::array<char, 4> buf{'d', 'a', 't', 'a'};
  error_code send_ec = net::error::fault;
  bool sent = false;
  u.async_send(net::buffer(buf), [&](error_code ec, std::size_t) {
    send_ec = ec;
    sent = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return sent; }));
  CHECK_EC(send_ec, net::error::access_denied);
  check_context_alive(ioc);
}
