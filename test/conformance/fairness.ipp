// Fairness: handlers that keep the ready queue busy (a post loop, or a loop of
// operations that complete at once, like reads at EOF) must not starve I/O and
// timers. Asio polls its reactor once per pass through the handler queue.

BOOST_AUTO_TEST_SUITE(fairness)

using namespace conformance;

BOOST_AUTO_TEST_CASE(post_loop_does_not_starve_io_or_timers) {
  net::io_context ioc;
  auto [client, server] = make_tcp_pair(ioc);
  bool timer_fired = false, read_done = false;
  std::size_t spins = 0;
  std::function<void()> spin = [&] {
    ++spins;
    if (!(timer_fired && read_done)) net::post(ioc, spin);
  };
  net::post(ioc, spin);

  net::steady_timer timer(ioc, std::chrono::milliseconds(10));
  timer.async_wait([&](error_code ec) {
    CONF_CHECK_OK(ec);
    timer_fired = true;
  });
  std::array<char, 4> buf{};
  net::async_read(server, net::buffer(buf), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    BOOST_TEST(n == 4u);
    read_done = true;
  });
  net::async_write(client, net::buffer("ping", 4), [&](error_code ec, std::size_t) {
    CONF_CHECK_OK(ec);
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return timer_fired && read_done; }));
  BOOST_TEST(spins > 1u);
  BOOST_TEST(std::string(buf.data(), 4) == "ping");
}

BOOST_AUTO_TEST_CASE(reads_at_eof_in_a_loop_do_not_starve_accept) {
  // The shape of a server session that keeps reading after the peer closed
  // (every read completes at once with eof): new connections still arrive.
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);  // (no structured binding: clang 14 lambdas cannot capture one)
  tcp::socket& server = p.server;
  p.client.close();
  tcp::acceptor acceptor = make_acceptor(ioc);
  bool accepted = false, connected = false;
  std::size_t eofs = 0;
  std::array<char, 16> buf{};
  std::function<void(error_code, std::size_t)> on_read = [&](error_code ec, std::size_t) {
    CONF_CHECK_EC(ec, net::error::eof);
    ++eofs;
    if (!(accepted && connected)) server.async_read_some(net::buffer(buf), on_read);
  };
  server.async_read_some(net::buffer(buf), on_read);
  // The loop is spinning once the first EOF is seen (in a browser the peer's
  // close reaches us only after its send pipe has drained).
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return eofs > 0; }));
  tcp::socket late(ioc), incoming(ioc);
  acceptor.async_accept(incoming, [&](error_code ec) {
    CONF_CHECK_OK(ec);
    accepted = true;
  });
  late.async_connect(acceptor.local_endpoint(), [&](error_code ec) {
    CONF_CHECK_OK(ec);
    connected = true;
  });
  const std::size_t eofs_before = eofs;
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return accepted && connected; }));
  BOOST_TEST(eofs > eofs_before);  // the loop kept going meanwhile
}

BOOST_AUTO_TEST_SUITE_END()
