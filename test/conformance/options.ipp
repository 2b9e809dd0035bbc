// Socket options, endpoints, available(), non-blocking mode and address helpers.

BOOST_AUTO_TEST_SUITE(options)

using namespace conformance;

BOOST_AUTO_TEST_CASE(tcp_option_round_trips) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  tcp::socket& s = p.client;

  tcp::no_delay nd;
  s.set_option(tcp::no_delay(true));
  s.get_option(nd);
  BOOST_TEST(nd.value());
  s.set_option(tcp::no_delay(false));
  s.get_option(nd);
  BOOST_TEST(!nd.value());

  net::socket_base::keep_alive ka;
  s.set_option(net::socket_base::keep_alive(true));
  s.get_option(ka);
  BOOST_TEST(ka.value());
  s.set_option(net::socket_base::keep_alive(false));
  s.get_option(ka);
  BOOST_TEST(!ka.value());

  tcp::socket::reuse_address ra;
  s.set_option(tcp::socket::reuse_address(true));
  s.get_option(ra);
  BOOST_TEST(ra.value());

  // Linux doubles the requested buffer sizes (bookkeeping overhead), so only a lower bound
  // is portable; the value must at least reflect the request.
  net::socket_base::send_buffer_size sbs;
  s.set_option(net::socket_base::send_buffer_size(96 * 1024));
  s.get_option(sbs);
  BOOST_TEST(sbs.value() >= 96 * 1024);
  net::socket_base::receive_buffer_size rbs;
  s.set_option(net::socket_base::receive_buffer_size(80 * 1024));
  s.get_option(rbs);
  BOOST_TEST(rbs.value() >= 80 * 1024);
  s.set_option(net::socket_base::receive_buffer_size(160 * 1024));
  net::socket_base::receive_buffer_size rbs2;
  s.get_option(rbs2);
  BOOST_TEST(rbs2.value() > rbs.value());

  net::socket_base::linger lg;
  s.set_option(net::socket_base::linger(true, 7));
  s.get_option(lg);
  BOOST_TEST(lg.enabled());
  BOOST_TEST(lg.timeout() == 7);
  s.set_option(net::socket_base::linger(false, 0));
  s.get_option(lg);
  BOOST_TEST(!lg.enabled());
}

BOOST_AUTO_TEST_CASE(options_on_unconnected_and_closed_sockets) {
  net::io_context ioc;
  tcp::socket s(ioc);
  s.open(tcp::v4());
  s.set_option(tcp::no_delay(true));  // allowed before connecting
  tcp::no_delay nd;
  s.get_option(nd);
  BOOST_TEST(nd.value());

  s.close();
  error_code ec;
  s.set_option(tcp::no_delay(true), ec);
  CONF_CHECK_EC(ec, net::error::bad_descriptor);
  s.get_option(nd, ec);
  CONF_CHECK_EC(ec, net::error::bad_descriptor);
  BOOST_CHECK_THROW(s.set_option(tcp::no_delay(true)), boost::system::system_error);
}

BOOST_AUTO_TEST_CASE(acceptor_options) {
  net::io_context ioc;
  // The (context, endpoint) constructor enables reuse_address by default.
  tcp::acceptor a = make_acceptor(ioc);
  tcp::acceptor::reuse_address ra;
  a.get_option(ra);
  BOOST_TEST(ra.value());
  a.set_option(tcp::acceptor::reuse_address(false));
  a.get_option(ra);
  BOOST_TEST(!ra.value());

  // The open/bind/listen sequence and the reuse_address=false constructor argument.
  tcp::acceptor b(ioc, loopback(0), /*reuse_addr=*/false);
  b.get_option(ra);
  BOOST_TEST(!ra.value());
  BOOST_TEST(b.is_open());
  BOOST_TEST((b.local_endpoint().protocol() == tcp::v4()));
}

BOOST_AUTO_TEST_CASE(endpoints_of_a_connection) {
  net::io_context ioc;
  tcp::acceptor acceptor = make_acceptor(ioc);
  tcp::socket server(ioc), client(ioc);
  int done = 0;
  acceptor.async_accept(server, [&](error_code ec) {
    CONF_CHECK_OK(ec);
    ++done;
  });
  client.async_connect(acceptor.local_endpoint(), [&](error_code ec) {
    CONF_CHECK_OK(ec);
    ++done;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done == 2; }));
  BOOST_TEST(client.remote_endpoint() == acceptor.local_endpoint());
  BOOST_TEST(server.local_endpoint() == acceptor.local_endpoint());
  BOOST_TEST(server.remote_endpoint() == client.local_endpoint());
  BOOST_TEST(client.local_endpoint().address() == net::ip::make_address("127.0.0.1"));
  BOOST_TEST(client.local_endpoint().port() != 0);
  BOOST_TEST(client.local_endpoint().port() != acceptor.local_endpoint().port());
  BOOST_TEST((client.local_endpoint().protocol() == tcp::v4()));
}

BOOST_AUTO_TEST_CASE(available_counts_unread_bytes) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  BOOST_TEST(p.client.available() == 0u);
  net::write(p.server, net::buffer(std::string(1234, 'z')));

  bool readable = false;
  p.client.async_wait(tcp::socket::wait_read, [&](error_code ec) {
    CONF_CHECK_OK(ec);
    readable = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return readable; }));
  BOOST_TEST(p.client.available() == 1234u);
  // io_control(bytes_readable) is the same question asked the ioctl way.
  tcp::socket::bytes_readable readable_cmd;
  p.client.io_control(readable_cmd);
  BOOST_TEST(readable_cmd.get() == 1234u);
  std::array<char, 1000> buf{};
  BOOST_TEST(p.client.read_some(net::buffer(buf)) == 1000u);
  BOOST_TEST(p.client.available() == 234u);
  p.client.io_control(readable_cmd);
  BOOST_TEST(readable_cmd.get() == 234u);

  error_code ec;
  tcp::socket closed(ioc);
  closed.available(ec);
  CONF_CHECK_EC(ec, net::error::bad_descriptor);
  closed.io_control(readable_cmd, ec);
  CONF_CHECK_EC(ec, net::error::bad_descriptor);
}

namespace {
// An IoControlCommand of one's own, as Asio's docs describe them.
struct fionbio_command {
  int value;
  int name() const { return static_cast<int>(FIONBIO); }
  void* data() { return &value; }
};
}  // namespace

BOOST_AUTO_TEST_CASE(io_control_fionbio_is_the_user_non_blocking_mode) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  fionbio_command on{1};
  p.client.io_control(on);
  BOOST_TEST(p.client.non_blocking());
  std::array<char, 16> buf{};
  error_code ec;
  p.client.read_some(net::buffer(buf), ec);
  CONF_CHECK_EC(ec, net::error::would_block);
  fionbio_command off{0};
  p.client.io_control(off);
  BOOST_TEST(!p.client.non_blocking());
  net::write(p.server, net::buffer("x", 1));
  BOOST_TEST(p.client.read_some(net::buffer(buf)) == 1u);
}

// Acceptors take the same commands and the native mode, as Boost.Asio's basic_socket_acceptor.
BOOST_AUTO_TEST_CASE(acceptor_io_control_and_native_non_blocking) {
  net::io_context ioc;
  tcp::acceptor acceptor(ioc, tcp::endpoint(net::ip::address_v4::loopback(), 0));
  fionbio_command on{1};
  acceptor.io_control(on);
  BOOST_TEST(acceptor.non_blocking());
  tcp::socket peer(ioc);
  error_code ec;
  acceptor.accept(peer, ec);
  CONF_CHECK_EC(ec, net::error::would_block);
  acceptor.native_non_blocking(true);
  BOOST_TEST(acceptor.native_non_blocking());

  acceptor.close();
  acceptor.io_control(on, ec);
  CONF_CHECK_EC(ec, net::error::bad_descriptor);
  acceptor.native_non_blocking(true, ec);
  CONF_CHECK_EC(ec, net::error::bad_descriptor);
}

// enable_connection_aborted is kept by the acceptor (not an OS option) and read back; accepts
// keep working with it on.
BOOST_AUTO_TEST_CASE(acceptor_enable_connection_aborted) {
  net::io_context ioc;
  tcp::acceptor acceptor = make_acceptor(ioc);
  tcp::acceptor::enable_connection_aborted opt(false);
  acceptor.get_option(opt);
  BOOST_TEST(!opt.value());
  acceptor.set_option(tcp::acceptor::enable_connection_aborted(true));
  acceptor.get_option(opt);
  BOOST_TEST(opt.value());

  tcp::socket client(ioc);
  std::optional<tcp::socket> server;
  acceptor.async_accept([&](error_code ec, tcp::socket s) {
    CONF_CHECK_OK(ec);
    server.emplace(std::move(s));
  });
  client.async_connect(acceptor.local_endpoint(), [](error_code ec) { CONF_CHECK_OK(ec); });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return server.has_value(); }));

  acceptor.set_option(tcp::acceptor::enable_connection_aborted(false));
  acceptor.get_option(opt);
  BOOST_TEST(!opt.value());
  acceptor.close();
  error_code ec;
  acceptor.set_option(tcp::acceptor::enable_connection_aborted(true), ec);
  CONF_CHECK_EC(ec, net::error::bad_descriptor);
}

#if defined(__EMSCRIPTEN__)
BOOST_AUTO_TEST_CASE(io_control_commands_without_a_direct_sockets_meaning_are_refused) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  struct fioasync_command {
    int value = 1;
    int name() const { return static_cast<int>(FIOASYNC); }
    void* data() { return &value; }
  } cmd;
  error_code ec;
  p.client.io_control(cmd, ec);
  CONF_CHECK_EC(ec, net::error::operation_not_supported);
}
#endif

BOOST_AUTO_TEST_CASE(user_non_blocking_mode) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  BOOST_TEST(!p.client.non_blocking());
  p.client.non_blocking(true);
  BOOST_TEST(p.client.non_blocking());
  std::array<char, 16> buf{};
  error_code ec;
  BOOST_TEST(p.client.read_some(net::buffer(buf), ec) == 0u);
  CONF_CHECK_EC(ec, net::error::would_block);
  BOOST_TEST(net::error::would_block == net::error::try_again);  // same errno on Linux

  // Async operations are unaffected by the user's non-blocking flag.
  net::write(p.server, net::buffer("nb", 2));
  std::size_t got = 0;
  bool done = false;
  p.client.async_read_some(net::buffer(buf), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    got = n;
    done = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  BOOST_TEST(got == 2u);
}

BOOST_AUTO_TEST_CASE(udp_options) {
  net::io_context ioc;
  udp::socket s(ioc, loopback_udp(0));
  net::socket_base::broadcast b;
  s.set_option(net::socket_base::broadcast(true));
  s.get_option(b);
  BOOST_TEST(b.value());
  s.set_option(net::socket_base::broadcast(false));
  s.get_option(b);
  BOOST_TEST(!b.value());

  net::ip::multicast::enable_loopback ml;
  s.set_option(net::ip::multicast::enable_loopback(false));
  s.get_option(ml);
  BOOST_TEST(!ml.value());
  s.set_option(net::ip::multicast::enable_loopback(true));
  s.get_option(ml);
  BOOST_TEST(ml.value());

  net::ip::multicast::hops hops;
  s.set_option(net::ip::multicast::hops(4));
  s.get_option(hops);
  BOOST_TEST(hops.value() == 4);

  udp::socket::reuse_address ra;
  s.set_option(udp::socket::reuse_address(true));
  s.get_option(ra);
  BOOST_TEST(ra.value());
}

BOOST_AUTO_TEST_CASE(addresses) {
  const auto a = net::ip::make_address("127.0.0.1");
  BOOST_TEST(a.is_v4());
  BOOST_TEST(a.is_loopback());
  BOOST_TEST(a.to_string() == "127.0.0.1");
  BOOST_TEST(a == net::ip::address(net::ip::address_v4::loopback()));
  BOOST_TEST(net::ip::make_address_v4("10.1.2.3").to_uint() == 0x0A010203u);
  BOOST_TEST(net::ip::make_address("::1").is_v6());
  BOOST_TEST(net::ip::make_address("::1").is_loopback());

  error_code ec;
  net::ip::make_address("not-an-address", ec);
  CONF_CHECK_EC(ec, net::error::invalid_argument);

  const tcp::endpoint ep(a, 8080);
  BOOST_TEST(ep.port() == 8080);
  BOOST_TEST(ep.address() == a);
  const udp::endpoint uep(net::ip::udp::v6(), 53);
  BOOST_TEST(uep.address().is_unspecified());
  BOOST_TEST((uep.protocol() == udp::v6()));
}

BOOST_AUTO_TEST_SUITE_END()
