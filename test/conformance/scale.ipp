// Many connections in one io_context: 1000 concurrent TCP connections, each echoing a
// distinct message, all open at the same time.

BOOST_AUTO_TEST_SUITE(scale)

using namespace conformance;

BOOST_AUTO_TEST_CASE(thousand_concurrent_connections) {
  constexpr int count = 1000;
#ifndef __EMSCRIPTEN__
  rlimit rl{};
  BOOST_TEST_REQUIRE(::getrlimit(RLIMIT_NOFILE, &rl) == 0);
  BOOST_TEST_REQUIRE(rl.rlim_cur >= rlim_t(2 * count + 64),
                     "RLIMIT_NOFILE soft limit " << rl.rlim_cur << " is too low for this test");
#endif

  net::io_context ioc;
  watchdog wd(ioc, 30s);
  tcp::acceptor acceptor = make_acceptor(ioc);  // backlog: socket_base::max_listen_connections
  const tcp::endpoint ep = acceptor.local_endpoint();

  // Server: accept `count` connections; each echoes one line, then waits for the client to
  // close.
  struct server_conn {
    tcp::socket s;
    std::string buf;
    std::array<char, 16> tail{};
  };
  int accepted = 0, open_server = 0, max_open_server = 0, server_eofs = 0;
  std::function<void()> accept_next = [&] {
    acceptor.async_accept([&](error_code ec, tcp::socket s) {
      CONF_CHECK_OK(ec);
      if (ec) return;
      ++accepted;
      max_open_server = std::max(max_open_server, ++open_server);
      auto c = std::make_shared<server_conn>(server_conn{std::move(s), {}, {}});
      net::async_read_until(
          c->s, net::dynamic_buffer(c->buf), '\n', [&, c](error_code ec, std::size_t n) {
            CONF_CHECK_OK(ec);
            if (ec) return;
            net::async_write(
                c->s, net::buffer(c->buf.data(), n), [&, c](error_code ec, std::size_t) {
                  CONF_CHECK_OK(ec);
                  c->s.async_read_some(net::buffer(c->tail), [&, c](error_code ec, std::size_t n) {
                    CONF_CHECK_EC(ec, net::error::eof);
                    BOOST_TEST(n == 0u);
                    --open_server;
                    if (++server_eofs == count) wd.disarm();
                  });
                });
          });
      if (accepted < count) accept_next();
    });
  };
  accept_next();

  // Clients: all connect at once, send a distinct line, check the echo. Nobody closes until
  // every client has been verified, so all `count` connections are open simultaneously.
  struct client_conn {
    explicit client_conn(net::io_context& ioc) : s(ioc) {}
    tcp::socket s;
    std::string msg, rx;
  };
  std::vector<std::unique_ptr<client_conn>> clients;
  int verified = 0, mismatches = 0;
  for (int i = 0; i < count; ++i) {
    clients.push_back(std::make_unique<client_conn>(ioc));
    client_conn* c = clients.back().get();
    c->msg = "client " + std::to_string(i) + " " + std::string(i % 97, char('a' + i % 26)) + "\n";
    c->s.async_connect(ep, [&, c](error_code ec) {
      CONF_CHECK_OK(ec);
      if (ec) return;
      net::async_write(c->s, net::buffer(c->msg), [&, c](error_code ec, std::size_t) {
        CONF_CHECK_OK(ec);
        if (ec) return;
        net::async_read_until(c->s, net::dynamic_buffer(c->rx), '\n',
                              [&, c](error_code ec, std::size_t n) {
                                CONF_CHECK_OK(ec);
                                if (ec) return;
                                if (c->rx.substr(0, n) != c->msg) ++mismatches;
                                if (++verified == count) {
                                  // All echoes checked while every connection is still open on both
                                  // sides.
                                  BOOST_TEST(open_server == count);
                                  for (auto& cl : clients)
                                    cl->s.close();
                                }
                              });
      });
    });
  }

  ioc.run();
  BOOST_TEST(!wd.fired());
  BOOST_TEST(accepted == count);
  BOOST_TEST(verified == count);
  BOOST_TEST(mismatches == 0);
  BOOST_TEST(max_open_server == count);
  BOOST_TEST(server_eofs == count);
  BOOST_TEST(open_server == 0);
}

BOOST_AUTO_TEST_CASE(many_timers_and_posts) {
  // 10000 timers with scattered expiries plus interleaved posts, all in one context.
  net::io_context ioc;
  constexpr int count = 10000;
  std::vector<std::unique_ptr<net::steady_timer>> timers;
  int fired = 0, posted = 0;
  bool ordered = true;
  clk::time_point last_expiry = clk::time_point::min();
  const auto base = clk::now();
  for (int i = 0; i < count; ++i) {
    auto t = std::make_unique<net::steady_timer>(
        ioc, base + std::chrono::microseconds((i * 7919) % 50000));
    net::steady_timer* tp = t.get();
    t->async_wait([&, tp](error_code ec) {
      CONF_CHECK_OK(ec);
      // Completions come in non-decreasing expiry order.
      if (tp->expiry() < last_expiry) ordered = false;
      last_expiry = tp->expiry();
      ++fired;
    });
    timers.push_back(std::move(t));
    net::post(ioc, [&] { ++posted; });
  }
  watchdog wd(ioc, 20s);
  net::post(ioc, [&] {});
  net::steady_timer end(ioc, base + 60ms);
  end.async_wait([&](error_code) { wd.disarm(); });
  ioc.run();
  BOOST_TEST(fired == count);
  BOOST_TEST(posted == count);
  BOOST_TEST(ordered);
}

BOOST_AUTO_TEST_SUITE_END()
