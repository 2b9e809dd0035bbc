// UDP: datagram boundaries, truncation, connected sockets, zero-length datagrams and ICMP
// errors surfacing on connected sockets.

BOOST_AUTO_TEST_SUITE(udp_sockets)

using namespace conformance;

BOOST_AUTO_TEST_CASE(datagram_boundaries_preserved) {
  net::io_context ioc;
  udp::socket a(ioc, loopback_udp(0)), b(ioc, loopback_udp(0));
  const udp::endpoint b_ep = b.local_endpoint();
  BOOST_TEST(b_ep.port() != 0);
  BOOST_TEST(b_ep.address() == net::ip::make_address("127.0.0.1"));

  // Three datagrams of different sizes, sent back to back before anyone reads.
  const std::vector<std::string> msgs = {"short", std::string(1000, 'M') + "end", "x",
                                         std::string(9000, 'J')};
  int sent = 0;
  for (const auto& m : msgs)
    a.async_send_to(net::buffer(m), b_ep, [&, size = m.size()](error_code ec, std::size_t n) {
      CONF_CHECK_OK(ec);
      BOOST_TEST(n == size);
      ++sent;
    });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return sent == 4; }));

  // Each receive returns exactly one datagram, even though the buffer could hold them all.
  std::vector<char> buf(65536);
  std::vector<std::string> got;
  udp::endpoint sender;
  std::function<void()> receive = [&] {
    b.async_receive_from(net::buffer(buf), sender, [&](error_code ec, std::size_t n) {
      CONF_CHECK_OK(ec);
      BOOST_TEST(sender == a.local_endpoint());
      got.emplace_back(buf.data(), n);
      if (got.size() < msgs.size()) receive();
    });
  };
  receive();
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return got.size() == msgs.size(); }));
  BOOST_TEST_REQUIRE(got.size() == msgs.size());
  for (std::size_t i = 0; i < msgs.size(); ++i)
    BOOST_TEST((got[i] == msgs[i]), "datagram " << i);
}

BOOST_AUTO_TEST_CASE(receive_pending_before_send) {
  // The receive is waiting before the datagram exists; reply goes back to the sender endpoint.
  net::io_context ioc;
  udp::socket server(ioc, loopback_udp(0)), client(ioc, udp::v4());
  std::array<char, 128> sbuf{}, cbuf{};
  udp::endpoint from;
  std::string reply;
  bool done = false;
  server.async_receive_from(net::buffer(sbuf), from, [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    // Echo it back, upper-cased, to whoever sent it.
    for (std::size_t i = 0; i < n; ++i)
      sbuf[i] = static_cast<char>(std::toupper(sbuf[i]));
    server.async_send_to(net::buffer(sbuf.data(), n), from,
                         [&](error_code ec, std::size_t) { CONF_CHECK_OK(ec); });
  });
  ioc.poll();
  BOOST_TEST(!done);
  client.async_send_to(net::buffer("ping me", 7), server.local_endpoint(),
                       [&](error_code ec, std::size_t n) {
                         CONF_CHECK_OK(ec);
                         BOOST_TEST(n == 7u);
                         // The unbound client was given a port by the send.
                         BOOST_TEST(client.local_endpoint().port() != 0);
                         client.async_receive(net::buffer(cbuf), [&](error_code ec, std::size_t n) {
                           CONF_CHECK_OK(ec);
                           reply.assign(cbuf.data(), n);
                           done = true;
                         });
                       });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  BOOST_TEST(reply == "PING ME");
  // The client socket is bound to the wildcard address; the server sees loopback.
  BOOST_TEST(from.port() == client.local_endpoint().port());
  BOOST_TEST(from.address() == net::ip::make_address("127.0.0.1"));
}

BOOST_AUTO_TEST_CASE(oversized_datagram_is_truncated) {
  // Linux recvmsg() silently drops the excess (MSG_TRUNC); stock Boost.Asio reports success
  // with the truncated size. The rest of the datagram is gone: the next receive gets the
  // next datagram.
  net::io_context ioc;
  udp::socket a(ioc, loopback_udp(0)), b(ioc, loopback_udp(0));
  std::string big(100, '\0');
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<char>('A' + i % 26);
  a.send_to(net::buffer(big), b.local_endpoint());
  a.send_to(net::buffer("next", 4), b.local_endpoint());

  std::array<char, 10> small{};
  std::array<char, 100> rest{};
  error_code first_ec = net::error::fault, second_ec = net::error::fault;
  std::size_t first_n = 999, second_n = 999;
  udp::endpoint from;
  bool done = false;
  b.async_receive_from(net::buffer(small), from, [&](error_code ec, std::size_t n) {
    first_ec = ec;
    first_n = n;
    b.async_receive(net::buffer(rest), [&](error_code ec, std::size_t n) {
      second_ec = ec;
      second_n = n;
      done = true;
    });
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  CONF_CHECK_OK(first_ec);
  BOOST_TEST(first_n == 10u);
  BOOST_TEST(std::string(small.data(), 10) == "ABCDEFGHIJ");
  BOOST_TEST(from == a.local_endpoint());
  CONF_CHECK_OK(second_ec);
  BOOST_TEST(second_n == 4u);
  BOOST_TEST(std::string(rest.data(), 4) == "next");
}

BOOST_AUTO_TEST_CASE(connected_udp_send_and_receive) {
  net::io_context ioc;
  udp::socket a(ioc, loopback_udp(0)), b(ioc, loopback_udp(0));
  a.connect(b.local_endpoint());
  bool b_connected = false;
  b.async_connect(a.local_endpoint(), [&](error_code ec) {
    CONF_CHECK_OK(ec);
    b_connected = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return b_connected; }));
  BOOST_TEST(a.remote_endpoint() == b.local_endpoint());
  BOOST_TEST(b.remote_endpoint() == a.local_endpoint());

  std::array<char, 64> abuf{}, bbuf{};
  std::string at_a, at_b;
  int done = 0;
  b.async_receive(net::buffer(bbuf), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    at_b.assign(bbuf.data(), n);
    b.async_send(net::buffer("pong", 4), [&](error_code ec, std::size_t n) {
      CONF_CHECK_OK(ec);
      BOOST_TEST(n == 4u);
      ++done;
    });
  });
  a.async_send(net::buffer("ping", 4), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    BOOST_TEST(n == 4u);
    a.async_receive(net::buffer(abuf), [&](error_code ec, std::size_t n) {
      CONF_CHECK_OK(ec);
      at_a.assign(abuf.data(), n);
      ++done;
    });
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done == 2; }));
  BOOST_TEST(at_b == "ping");
  BOOST_TEST(at_a == "pong");

  // A connected socket only accepts datagrams from its peer: c's datagram never reaches a,
  // and b's later one does.
  udp::socket c(ioc, loopback_udp(0));
  c.send_to(net::buffer("intruder", 8), a.local_endpoint());
  b.send(net::buffer("genuine", 7));
  std::string next;
  bool got = false;
  a.async_receive(net::buffer(abuf), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    next.assign(abuf.data(), n);
    got = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return got; }));
  BOOST_TEST(next == "genuine");
}

BOOST_AUTO_TEST_CASE(zero_length_datagram_is_not_eof,
                     *boost::unit_test::label("needs_empty_datagram")) {
  // On a datagram socket an empty datagram is a message of size 0, not end-of-file.
  net::io_context ioc;
  udp::socket a(ioc, loopback_udp(0)), b(ioc, loopback_udp(0));
  std::array<char, 16> buf{};
  error_code ec_seen = net::error::fault;
  std::size_t n_seen = 999;
  bool sent = false, received = false;
  a.async_send_to(net::buffer(buf.data(), 0), b.local_endpoint(),
                  [&](error_code ec, std::size_t n) {
                    CONF_CHECK_OK(ec);
                    BOOST_TEST(n == 0u);
                    sent = true;
                  });
  udp::endpoint from;
  b.async_receive_from(net::buffer(buf), from, [&](error_code ec, std::size_t n) {
    ec_seen = ec;
    n_seen = n;
    received = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return sent && received; }));
  CONF_CHECK_OK(ec_seen);
  BOOST_TEST(n_seen == 0u);
  BOOST_TEST(from == a.local_endpoint());
}

#if defined(__EMSCRIPTEN__)
// Direct Sockets cannot send an empty datagram. The send fails with operation_not_supported
// rather than report success for a datagram that never leaves, and the socket stays usable.
BOOST_AUTO_TEST_CASE(zero_length_datagram_is_refused_by_direct_sockets) {
  net::io_context ioc;
  udp::socket a(ioc, loopback_udp(0)), b(ioc, loopback_udp(0));
  std::array<char, 16> buf{};
  error_code empty_ec;
  std::size_t empty_n = 999;
  bool empty_done = false;
  a.async_send_to(net::buffer(buf.data(), 0), b.local_endpoint(),
                  [&](error_code ec, std::size_t n) {
                    empty_ec = ec;
                    empty_n = n;
                    empty_done = true;
                  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return empty_done; }));
  CONF_CHECK_EC(empty_ec, net::error::operation_not_supported);
  BOOST_TEST(empty_n == 0u);

  a.send_to(net::buffer("after", 5), b.local_endpoint());
  udp::endpoint from;
  BOOST_TEST(b.receive_from(net::buffer(buf), from) == 5u);
  BOOST_TEST(std::string(buf.data(), 5) == "after");
  BOOST_TEST(from == a.local_endpoint());
}
#endif

namespace {

// The ICMP port-unreachable for a datagram sent on a connected socket is reported by the next
// receive as connection_refused. bound_first: bind, then connect. Direct Sockets cannot bind
// a connected socket, and its bound sockets get no ICMP errors (docs/browser.md).
void connected_udp_to_closed_port(bool bound_first) {
  net::io_context ioc;
  unsigned short port = 0;
  {
    udp::socket gone(ioc, loopback_udp(0));
    port = gone.local_endpoint().port();
  }
  udp::socket a(ioc);
  if (bound_first)
    a = udp::socket(ioc, loopback_udp(0));
  else
    a.open(udp::v4());
  a.connect(loopback_udp(port));
  std::array<char, 16> buf{};
  error_code ec_seen;
  bool done = false;
  a.async_receive(net::buffer(buf), [&](error_code ec, std::size_t n) {
    ec_seen = ec;
    BOOST_TEST(n == 0u);
    done = true;
  });
  a.async_send(net::buffer("anyone?", 7), [&](error_code ec, std::size_t) { CONF_CHECK_OK(ec); });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  CONF_CHECK_EC(ec_seen, net::error::connection_refused);
}

// available() after a datagram was received: at once, or after waiting for readability again
// (in a browser, datagrams reach the page asynchronously, so the next one may still be on
// its way even though the sender's send completed: docs/browser.md).
void available_reports_next_datagram_size_test(bool wait_again) {
  net::io_context ioc;
  udp::socket a(ioc, loopback_udp(0)), b(ioc, loopback_udp(0));
  BOOST_TEST(b.available() == 0u);
  a.send_to(net::buffer(std::string(37, 'd')), b.local_endpoint());
  a.send_to(net::buffer(std::string(5, 'e')), b.local_endpoint());
  bool readable = false;
  b.async_wait(udp::socket::wait_read, [&](error_code ec) {
    CONF_CHECK_OK(ec);
    readable = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return readable; }));
  BOOST_TEST(b.available() == 37u);  // Linux FIONREAD on UDP: size of the first datagram
  std::array<char, 64> buf{};
  udp::endpoint from;
  BOOST_TEST(b.receive_from(net::buffer(buf), from) == 37u);
  if (wait_again) {
    readable = false;
    b.async_wait(udp::socket::wait_read, [&](error_code ec) {
      CONF_CHECK_OK(ec);
      readable = true;
    });
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return readable; }));
  }
  BOOST_TEST(b.available() == 5u);
}

}  // namespace

BOOST_AUTO_TEST_CASE(connected_udp_to_closed_port_is_refused,
                     *boost::unit_test::label("needs_bound_connected_udp")) {
  connected_udp_to_closed_port(true);
}

BOOST_AUTO_TEST_CASE(unbound_connected_udp_to_closed_port_is_refused,
                     *boost::unit_test::label("needs_icmp_errors")) {
  connected_udp_to_closed_port(false);
}

#if defined(__EMSCRIPTEN__)
// The twin: Chromium drops the ICMP error, so the send succeeds and the
// receive waits for a datagram until it is cancelled.
BOOST_AUTO_TEST_CASE(connected_udp_to_closed_port_reports_nothing) {
  net::io_context ioc;
  unsigned short port = 0;
  {
    udp::socket gone(ioc, loopback_udp(0));
    port = gone.local_endpoint().port();
  }
  udp::socket a(ioc);
  a.open(udp::v4());
  a.connect(loopback_udp(port));
  std::array<char, 16> buf{};
  std::optional<error_code> received;
  a.async_receive(net::buffer(buf), [&](error_code ec, std::size_t) { received = ec; });
  bool sent = false;
  a.async_send(net::buffer("anyone?", 7), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    BOOST_TEST(n == 7u);
    sent = true;
  });
  net::steady_timer settle(ioc, std::chrono::milliseconds(300));
  bool settled = false;
  settle.async_wait([&](error_code) { settled = true; });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return sent && settled; }));
  BOOST_TEST(!received.has_value());
  a.cancel();
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return received.has_value(); }));
  CONF_CHECK_EC(*received, net::error::operation_aborted);
}
#endif

BOOST_AUTO_TEST_CASE(available_reports_next_datagram_size,
                     *boost::unit_test::label("needs_synchronous_delivery")) {
  available_reports_next_datagram_size_test(false);
}

BOOST_AUTO_TEST_CASE(available_reports_next_datagram_size_once_readable) {
  available_reports_next_datagram_size_test(true);
}

BOOST_AUTO_TEST_CASE(udp_coroutine_echo) {
  net::io_context ioc;
  udp::socket server(ioc, loopback_udp(0));
  const udp::endpoint server_ep = server.local_endpoint();
  std::vector<std::string> replies;
  bool server_done = false, client_done = false;

  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        std::array<char, 256> buf{};
        for (int i = 0; i < 20; ++i) {
          udp::endpoint from;
          const std::size_t n =
              co_await server.async_receive_from(net::buffer(buf), from, net::use_awaitable);
          co_await server.async_send_to(net::buffer(buf.data(), n), from, net::use_awaitable);
        }
      },
      report_exception{&server_done});
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        udp::socket s(co_await net::this_coro::executor, udp::endpoint(udp::v4(), 0));
        std::array<char, 256> buf{};
        for (int i = 0; i < 20; ++i) {
          const std::string msg = "datagram #" + std::to_string(i);
          co_await s.async_send_to(net::buffer(msg), server_ep, net::use_awaitable);
          auto [ec, n] =
              co_await s.async_receive(net::buffer(buf), net::as_tuple(net::use_awaitable));
          CONF_CHECK_OK(ec);
          replies.emplace_back(buf.data(), n);
        }
      },
      report_exception{&client_done});
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return server_done && client_done; }));
  BOOST_TEST_REQUIRE(replies.size() == 20u);
  for (int i = 0; i < 20; ++i)
    BOOST_TEST(replies[i] == "datagram #" + std::to_string(i));
}

BOOST_AUTO_TEST_SUITE_END()
