// Name resolution and connecting to resolver results.

BOOST_AUTO_TEST_SUITE(resolver)

using namespace conformance;

BOOST_AUTO_TEST_CASE(numeric_host_and_port) {
  net::io_context ioc;
  tcp::resolver r(ioc);
  tcp::resolver::results_type results;
  bool done = false;
  r.async_resolve("127.0.0.1", "80", [&](error_code ec, tcp::resolver::results_type res) {
    CONF_CHECK_OK(ec);
    results = std::move(res);
    done = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  BOOST_TEST_REQUIRE(!results.empty());
  BOOST_TEST(results.size() >= 1u);
  for (const auto& entry : results) {
    BOOST_TEST(entry.endpoint() == loopback(80));
    BOOST_TEST(entry.host_name() == "127.0.0.1");
    BOOST_TEST(entry.service_name() == "80");
  }
}

BOOST_AUTO_TEST_CASE(localhost_and_service_name) {
  net::io_context ioc;
  tcp::resolver r(ioc);
  tcp::resolver::results_type results;
  bool done = false;
  r.async_resolve("localhost", "http", [&](error_code ec, tcp::resolver::results_type res) {
    CONF_CHECK_OK(ec);
    results = std::move(res);
    done = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  BOOST_TEST_REQUIRE(!results.empty());
  bool saw_v4_loopback = false;
  for (const auto& entry : results) {
    BOOST_TEST(entry.endpoint().port() == 80);
    BOOST_TEST(entry.endpoint().address().is_loopback());
    if (entry.endpoint().address() == net::ip::make_address("127.0.0.1")) saw_v4_loopback = true;
  }
  BOOST_TEST(saw_v4_loopback);
}

BOOST_AUTO_TEST_CASE(resolve_then_async_connect_range) {
  net::io_context ioc;
  tcp::acceptor acceptor = make_acceptor(ioc);
  const unsigned short port = acceptor.local_endpoint().port();
  tcp::resolver r(ioc);
  tcp::socket server(ioc), client(ioc);
  bool accepted = false, connected = false;
  tcp::endpoint connected_to;

  acceptor.async_accept(server, [&](error_code ec) {
    CONF_CHECK_OK(ec);
    accepted = true;
  });
  r.async_resolve("127.0.0.1", std::to_string(port),
                  [&](error_code ec, tcp::resolver::results_type res) {
                    CONF_CHECK_OK(ec);
                    net::async_connect(client, res, [&](error_code ec, const tcp::endpoint& ep) {
                      CONF_CHECK_OK(ec);
                      connected_to = ep;
                      connected = true;
                    });
                  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return accepted && connected; }));
  BOOST_TEST(connected_to == loopback(port));
  BOOST_TEST(client.remote_endpoint() == loopback(port));
  BOOST_TEST(server.remote_endpoint() == client.local_endpoint());
}

BOOST_AUTO_TEST_CASE(unknown_host_is_host_not_found, *boost::unit_test::label("needs_dns")) {
  net::io_context ioc;
  tcp::resolver r(ioc);
  error_code async_ec;
  std::size_t count = 999;
  bool done = false;
  r.async_resolve("nonexistent.invalid", "80", [&](error_code ec, tcp::resolver::results_type res) {
    async_ec = ec;
    count = res.size();
    done = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  CONF_CHECK_EC(async_ec, net::error::host_not_found);
  BOOST_TEST(count == 0u);

  // Synchronous form, error_code overload.
  error_code sync_ec;
  auto res = r.resolve("nonexistent.invalid", "80", sync_ec);
  CONF_CHECK_EC(sync_ec, net::error::host_not_found);
  BOOST_TEST(res.empty());
}

#if defined(__EMSCRIPTEN__)
// Binding to a resolved name: the resolver's placeholder for this machine's own name
// (ip::host_name()) binds the wildcard address of its family, TCP and UDP; one for another name is
// not an address of this machine: address_not_available, as a native bind to a foreign address
// (docs/browser.md, "Name resolution").
BOOST_AUTO_TEST_CASE(placeholder_as_bind_address) {
  net::io_context ioc;
  net::ip::udp::resolver ur(ioc);
  const auto own = ur.resolve(net::ip::host_name(), "0")->endpoint();
  BOOST_TEST((own.address().to_v4().to_uint() >> 24) == 240u);
  net::ip::udp::socket u(ioc, net::ip::udp::v4());
  error_code ec;
  u.bind(own, ec);
  CONF_CHECK_OK(ec);
  BOOST_TEST(u.local_endpoint().port() != 0);

  tcp::resolver tr(ioc);
  tcp::acceptor a(ioc);
  a.open(tcp::v4());
  a.bind(tr.resolve(net::ip::host_name(), "0")->endpoint(), ec);
  CONF_CHECK_OK(ec);
  a.listen(net::socket_base::max_listen_connections, ec);
  CONF_CHECK_OK(ec);
  const auto port = a.local_endpoint().port();
  BOOST_TEST(port != 0);
  tcp::socket c(ioc);
  c.connect({net::ip::make_address("127.0.0.1"), port}, ec);  // the wildcard includes loopback
  CONF_CHECK_OK(ec);

  const auto foreign = ur.resolve("nonexistent.invalid", "0")->endpoint();
  net::ip::udp::socket f(ioc, net::ip::udp::v4());
  f.bind(foreign, ec);
  BOOST_TEST(ec == make_error_code(boost::system::errc::address_not_available), ec.message());
  tcp::acceptor fa(ioc);
  fa.open(tcp::v4());
  fa.bind(tr.resolve("nonexistent.invalid", "0")->endpoint(), ec);
  BOOST_TEST(ec == make_error_code(boost::system::errc::address_not_available), ec.message());
}

// A browser has no DNS API: Direct Sockets resolves names when a socket opens. The resolver
// answers with an address in 240.0.0.0/8 that stands for the name, and the connect reports
// the unknown name as host_not_found (docs/browser.md, "Name resolution").
BOOST_AUTO_TEST_CASE(unknown_host_is_host_not_found_at_connect) {
  net::io_context ioc;
  tcp::resolver r(ioc);
  tcp::resolver::results_type res;
  error_code resolve_ec;
  bool resolved = false;
  r.async_resolve("nonexistent.invalid", "80", [&](error_code ec, tcp::resolver::results_type rs) {
    resolve_ec = ec;
    res = std::move(rs);
    resolved = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return resolved; }));
  CONF_CHECK_OK(resolve_ec);
  BOOST_TEST_REQUIRE(res.size() == 1u);
  const auto entry = *res.begin();
  BOOST_TEST(entry.host_name() == "nonexistent.invalid");
  BOOST_TEST(entry.endpoint().port() == 80);
  BOOST_TEST((entry.endpoint().address().to_v4().to_uint() >> 24) == 240u);

  tcp::socket s(ioc);
  error_code connect_ec;
  bool connected = false;
  net::async_connect(s, res, [&](error_code ec, const tcp::endpoint&) {
    connect_ec = ec;
    connected = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return connected; }));
  CONF_CHECK_EC(connect_ec, net::error::host_not_found);

  // The synchronous forms behave the same.
  error_code sync_ec;
  const auto sync_res = r.resolve("nonexistent.invalid", "80", sync_ec);
  CONF_CHECK_OK(sync_ec);
  tcp::socket s2(ioc);
  net::connect(s2, sync_res, sync_ec);
  CONF_CHECK_EC(sync_ec, net::error::host_not_found);
}
#endif

BOOST_AUTO_TEST_CASE(async_connect_tries_endpoints_in_order) {
  net::io_context ioc;
  tcp::acceptor acceptor = make_acceptor(ioc);
  const tcp::endpoint good = acceptor.local_endpoint();
  const tcp::endpoint bad1 = loopback(closed_tcp_port(ioc)), bad2 = loopback(closed_tcp_port(ioc));
  tcp::socket server(ioc);
  acceptor.async_accept(server, [](error_code ec) { CONF_CHECK_OK(ec); });

  // Refused endpoints are skipped; the first one that connects is reported.
  tcp::socket client(ioc);
  const std::vector<tcp::endpoint> eps = {bad1, bad2, good};
  tcp::endpoint chosen;
  bool done = false;
  net::async_connect(client, eps, [&](error_code ec, tcp::endpoint ep) {
    CONF_CHECK_OK(ec);
    chosen = ep;
    done = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  BOOST_TEST(chosen == good);
  BOOST_TEST(client.is_open());

  // All refused: the last error is reported.
  tcp::socket c2(ioc);
  error_code all_bad_ec;
  bool done2 = false;
  net::async_connect(c2, std::vector<tcp::endpoint>{bad1, bad2}, [&](error_code ec, tcp::endpoint) {
    all_bad_ec = ec;
    done2 = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done2; }));
  CONF_CHECK_EC(all_bad_ec, net::error::connection_refused);

  // Empty range: not_found.
  tcp::socket c3(ioc);
  error_code empty_ec;
  bool done3 = false;
  net::async_connect(c3, std::vector<tcp::endpoint>{}, [&](error_code ec, tcp::endpoint) {
    empty_ec = ec;
    done3 = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done3; }));
  CONF_CHECK_EC(empty_ec, net::error::not_found);
}

BOOST_AUTO_TEST_CASE(synchronous_resolve_and_connect, *boost::unit_test::timeout(60)) {
  net::io_context ioc;
  tcp::acceptor acceptor = make_acceptor(ioc);
  const unsigned short port = acceptor.local_endpoint().port();
  tcp::resolver r(ioc);
  const auto results = r.resolve("127.0.0.1", std::to_string(port));
  BOOST_TEST_REQUIRE(!results.empty());
  tcp::socket client(ioc);
  const tcp::endpoint ep = net::connect(client, results);
  BOOST_TEST(ep == loopback(port));
  tcp::socket server = acceptor.accept();
  BOOST_TEST(server.remote_endpoint() == client.local_endpoint());
}

BOOST_AUTO_TEST_CASE(udp_and_coroutine_resolve) {
  net::io_context ioc;
  std::vector<udp::endpoint> udp_eps;
  std::vector<tcp::endpoint> tcp_eps;
  bool done = false;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        udp::resolver ur(co_await net::this_coro::executor);
        for (const auto& e : co_await ur.async_resolve("127.0.0.1", "53", net::use_awaitable))
          udp_eps.push_back(e.endpoint());
        tcp::resolver tr(co_await net::this_coro::executor);
        auto [ec, res] =
            co_await tr.async_resolve("127.0.0.1", "8080", net::as_tuple(net::use_awaitable));
        CONF_CHECK_OK(ec);
        for (const auto& e : res)
          tcp_eps.push_back(e.endpoint());
      },
      report_exception{&done});
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  BOOST_TEST_REQUIRE(!udp_eps.empty());
  for (const auto& e : udp_eps)
    BOOST_TEST(e == loopback_udp(53));
  BOOST_TEST_REQUIRE(!tcp_eps.empty());
  for (const auto& e : tcp_eps)
    BOOST_TEST(e == loopback(8080));
}

BOOST_AUTO_TEST_SUITE_END()
