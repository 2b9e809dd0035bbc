// Generic sockets: an ip::tcp::socket moved into a generic::stream_protocol::socket keeps its
// connection, and generic stream and datagram sockets opened from an IP protocol work on their
// own (Asio's converting moves and the generic protocols).

BOOST_AUTO_TEST_SUITE(generic_sockets)

using namespace conformance;

BOOST_AUTO_TEST_CASE(tcp_socket_moves_into_a_generic_stream_socket) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  const auto peer_port = p.server.local_endpoint().port();
  net::generic::stream_protocol::socket g(std::move(p.client));
  BOOST_TEST(g.is_open());
  BOOST_TEST(!p.client.is_open());
  BOOST_TEST(g.remote_endpoint().protocol().family() == AF_INET);
  BOOST_TEST(g.remote_endpoint().protocol().type() == SOCK_STREAM);
  // The generic endpoint holds the same address: convert it back to compare the port.
  const auto raw = g.remote_endpoint();
  tcp::endpoint back;
  std::memcpy(back.data(), raw.data(), raw.size());
  BOOST_TEST(back.port() == peer_port);

  std::array<char, 5> got{}, echoed{};
  bool read = false, echoed_back = false;
  net::async_write(g, net::buffer("hello", 5),
                   [](error_code ec, std::size_t) { CONF_CHECK_OK(ec); });
  net::async_read(p.server, net::buffer(got), [&](error_code ec, std::size_t) {
    CONF_CHECK_OK(ec);
    read = true;
    net::async_write(p.server, net::buffer(got),
                     [](error_code ec, std::size_t) { CONF_CHECK_OK(ec); });
  });
  net::async_read(g, net::buffer(echoed), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    echoed_back = n == 5;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return read && echoed_back; }));
  BOOST_TEST(std::string(echoed.data(), 5) == "hello");
  g.close();
  error_code ec;
  p.server.read_some(net::buffer(got), ec);
  CONF_CHECK_EC(ec, net::error::eof);
}

BOOST_AUTO_TEST_CASE(generic_datagram_socket_from_udp) {
  net::io_context ioc;
  net::ip::udp::socket receiver(ioc, net::ip::udp::endpoint(net::ip::address_v4::loopback(), 0));
  net::generic::datagram_protocol::socket sender(
      ioc, net::generic::datagram_protocol(net::ip::udp::v4()));
  const net::ip::udp::endpoint to = receiver.local_endpoint();
  const net::generic::datagram_protocol::endpoint generic_to(to.data(), to.size());
  BOOST_TEST(sender.send_to(net::buffer("dgram", 5), generic_to) == 5u);
  std::array<char, 8> got{};
  net::ip::udp::endpoint from;
  BOOST_TEST(receiver.receive_from(net::buffer(got), from) == 5u);
  BOOST_TEST(std::string(got.data(), 5) == "dgram");
  // The sender's generic local endpoint names the port the datagram came from.
  const auto local = sender.local_endpoint();
  net::ip::udp::endpoint sender_ip;
  std::memcpy(sender_ip.data(), local.data(), local.size());
  BOOST_TEST(from.port() == sender_ip.port());
}

BOOST_AUTO_TEST_CASE(generic_socket_of_a_non_ip_family) {
  // A local (AF_UNIX) stream socket through the generic protocol: natively a real socket; Direct
  // Sockets have only IPv4 and IPv6, so the browser refuses the family when the socket opens.
  net::io_context ioc;
  net::generic::stream_protocol::socket s(ioc);
  error_code ec;
  s.open(net::generic::stream_protocol(AF_UNIX, 0), ec);
#if defined(__EMSCRIPTEN__)
  CONF_CHECK_EC(ec, net::error::address_family_not_supported);
  BOOST_TEST(!s.is_open());
#else
  CONF_CHECK_OK(ec);
  BOOST_TEST(s.is_open());
#endif
}

BOOST_AUTO_TEST_SUITE_END()
