// Bad input: malformed addresses and services, endpoints of the wrong family, port 0, empty
// and very large buffers and buffer sequences, operations on closed sockets, oversized
// datagrams. Each returns the error_code stock Boost.Asio returns on Linux; nothing crashes,
// throws from an error_code overload, or hangs; the objects stay usable afterwards.
// docs/reliability.md has the table.

BOOST_AUTO_TEST_SUITE(bad_input)

using namespace conformance;

BOOST_AUTO_TEST_CASE(malformed_addresses) {
  for (const char* text : {"", "256.1.1.1", "1.2.3", "1.2.3.4.5", "127.0.0.1:80", "::g",
                           ":::", "1::2::3", "localhost", " 127.0.0.1", "127.0.0.1\n"}) {
    error_code ec;
    net::ip::make_address(text, ec);
    BOOST_TEST_CONTEXT("make_address(\"" << text << "\")") {
      CONF_CHECK_EC(ec, net::error::invalid_argument);
    }
  }
  error_code ec;
  net::ip::make_address_v4("::1", ec);
  CONF_CHECK_EC(ec, net::error::invalid_argument);
  net::ip::make_address_v6("127.0.0.1", ec);
  CONF_CHECK_EC(ec, net::error::invalid_argument);
  BOOST_CHECK_THROW(net::ip::make_address("300.0.0.1"), boost::system::system_error);
}

BOOST_AUTO_TEST_CASE(malformed_services) {
  net::io_context ioc;
  tcp::resolver r(ioc);
  for (const char* service : {"no-such-service-here", "-1", "http x"}) {
    BOOST_TEST_CONTEXT("service \"" << service << "\"") {
      error_code async_ec;
      std::size_t count = 999;
      bool done = false;
      r.async_resolve("127.0.0.1", service, [&](error_code ec, tcp::resolver::results_type res) {
        async_ec = ec;
        count = res.size();
        done = true;
      });
      BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
      CONF_CHECK_EC(async_ec, net::error::service_not_found);
      BOOST_TEST(count == 0u);
      error_code sync_ec;
      r.resolve("127.0.0.1", service, sync_ec);
      CONF_CHECK_EC(sync_ec, net::error::service_not_found);
    }
  }
  // The resolver is still usable.
  error_code ec;
  auto res = r.resolve("127.0.0.1", "8080", ec);
  CONF_CHECK_OK(ec);
  BOOST_TEST_REQUIRE(!res.empty());
  BOOST_TEST(res.begin()->endpoint() == loopback(8080));
}

// An endpoint of the other family than the open socket's: EAFNOSUPPORT on Linux.
BOOST_AUTO_TEST_CASE(endpoint_of_the_wrong_family) {
  net::io_context ioc;
  tcp::acceptor acceptor = make_acceptor(ioc);
  const tcp::endpoint v6(net::ip::make_address("::1"), acceptor.local_endpoint().port());

  tcp::socket s(ioc, tcp::v4());
  error_code result;
  bool done = false;
  s.async_connect(v6, [&](error_code ec) {
    result = ec;
    done = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  CONF_CHECK_EC(result, net::error::address_family_not_supported);
  error_code ec;
  s.connect(v6, ec);
  CONF_CHECK_EC(ec, net::error::address_family_not_supported);
  BOOST_TEST(s.is_open());

  tcp::socket b(ioc, tcp::v4());
  b.bind(tcp::endpoint(net::ip::make_address("::1"), 0), ec);
  CONF_CHECK_EC(ec, net::error::address_family_not_supported);

  udp::socket u(ioc, loopback_udp(0));
  u.send_to(net::buffer("x", 1), udp::endpoint(net::ip::make_address("::1"), 9), 0, ec);
  CONF_CHECK_EC(ec, net::error::address_family_not_supported);

  // The sockets still work with endpoints of their own family.
  bool connected = false;
  s.async_connect(acceptor.local_endpoint(), [&](error_code ec) {
    CONF_CHECK_OK(ec);
    connected = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return connected; }));
}

BOOST_AUTO_TEST_CASE(connect_to_port_zero_is_refused) {
  net::io_context ioc;
  tcp::socket s(ioc);
  error_code result;
  bool done = false;
  s.async_connect(loopback(0), [&](error_code ec) {
    result = ec;
    done = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  CONF_CHECK_EC(result, net::error::connection_refused);
}

// Empty buffers complete at once with 0 bytes and no error on a stream socket; the data that
// follows is unaffected.
BOOST_AUTO_TEST_CASE(zero_size_buffers) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  int calls = 0;
  p.client.async_write_some(net::buffer(static_cast<const void*>(nullptr), 0),
                            [&](error_code ec, std::size_t n) {
                              CONF_CHECK_OK(ec);
                              BOOST_TEST(n == 0u);
                              ++calls;
                            });
  p.server.async_read_some(net::mutable_buffer(), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    BOOST_TEST(n == 0u);
    ++calls;
  });
  std::vector<net::mutable_buffer> empties(5);
  net::async_read(p.server, empties, [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    BOOST_TEST(n == 0u);
    ++calls;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return calls == 3; }));

  error_code ec;
  BOOST_TEST(p.client.write_some(net::const_buffer(), ec) == 0u);
  CONF_CHECK_OK(ec);
  BOOST_TEST(p.server.read_some(net::mutable_buffer(), ec) == 0u);
  CONF_CHECK_OK(ec);

  net::write(p.client, net::buffer("after", 5));
  std::array<char, 5> got{};
  BOOST_TEST(net::read(p.server, net::buffer(got)) == 5u);
  BOOST_TEST(std::string(got.data(), 5) == "after");
}

// One 16 MiB write_some and one 32 MiB read_some: partial transfers of any size are correct;
// a sequence of 3000 one-byte buffers (more than IOV_MAX) arrives in order.
BOOST_AUTO_TEST_CASE(very_large_buffers_and_long_buffer_sequences) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  const pattern pat{13, 5, 241};
  constexpr std::size_t size = 16u << 20;
  std::vector<unsigned char> out(size);
  pat.fill(0, out.data(), size);
  std::vector<unsigned char> in(2 * size);

  std::size_t sent = 0, received = 0, first_bad = size;
  bool wrote = false;
  std::function<void()> write_once = [&] {
    p.client.async_write_some(net::buffer(out.data() + sent, size - sent),
                              [&](error_code ec, std::size_t n) {
                                CONF_CHECK_OK(ec);
                                BOOST_TEST(n > 0u);
                                sent += n;
                                if (!ec && sent < size) return write_once();
                                wrote = true;
                              });
  };
  std::function<void()> read_once = [&] {
    // Always the whole remaining 32 MiB buffer, more than will ever arrive.
    p.server.async_read_some(
        net::buffer(in.data() + received, in.size() - received), [&](error_code ec, std::size_t n) {
          CONF_CHECK_OK(ec);
          BOOST_TEST(n > 0u);
          BOOST_TEST(n <= size - received);
          const std::size_t bad = pat.first_mismatch(received, in.data() + received, n);
          if (bad < n && first_bad == size) first_bad = received + bad;
          received += n;
          if (!ec && received < size) read_once();
        });
  };
  write_once();
  read_once();
  BOOST_TEST_REQUIRE(run_until(
      ioc, [&] { return wrote && received >= size; }, 60s));
  BOOST_TEST(sent == size);
  BOOST_TEST(received == size);
  BOOST_TEST(first_bad == size, "first corrupt byte at " << first_bad);

  // 3000 one-byte buffers in one gather write, and 3000 one-byte buffers in one scatter read.
  constexpr std::size_t pieces = 3000;
  std::vector<unsigned char> bytes(pieces), back(pieces);
  pat.fill(7, bytes.data(), pieces);
  std::vector<net::const_buffer> gather;
  std::vector<net::mutable_buffer> scatter;
  for (std::size_t i = 0; i < pieces; ++i) {
    gather.emplace_back(&bytes[i], 1);
    scatter.emplace_back(&back[i], 1);
  }
  bool gathered = false, scattered = false;
  net::async_write(p.client, gather, [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    BOOST_TEST(n == pieces);
    gathered = true;
  });
  net::async_read(p.server, scatter, [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    BOOST_TEST(n == pieces);
    scattered = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return gathered && scattered; }));
  BOOST_TEST(bytes == back);
}

// Every operation on a socket, acceptor or datagram socket that was open and then closed
// reports bad_descriptor, asynchronously and synchronously; a second close() is harmless.
BOOST_AUTO_TEST_CASE(operations_on_closed_objects) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  tcp::acceptor acceptor = make_acceptor(ioc);
  udp::socket u(ioc, loopback_udp(0));
  const udp::endpoint u_ep = u.local_endpoint();
  p.client.close();
  acceptor.close();
  u.close();
  error_code ec;
  p.client.close(ec);
  CONF_CHECK_OK(ec);

  std::array<char, 8> buf{};
  udp::endpoint from;
  std::vector<error_code> codes(7, net::error::fault);
  int calls = 0;
  auto rec = [&](int i) {
    return [&, i](error_code ec, std::size_t n = 0) {
      BOOST_TEST(n == 0u);
      codes[i] = ec;
      ++calls;
    };
  };
  p.client.async_read_some(net::buffer(buf),
                           [r = rec(0)](error_code ec, std::size_t n) { r(ec, n); });
  p.client.async_write_some(net::buffer(buf),
                            [r = rec(1)](error_code ec, std::size_t n) { r(ec, n); });
  p.client.async_wait(tcp::socket::wait_read, [r = rec(2)](error_code ec) { r(ec); });
  acceptor.async_accept([r = rec(3)](error_code ec, tcp::socket) { r(ec); });
  u.async_receive_from(net::buffer(buf), from,
                       [r = rec(4)](error_code ec, std::size_t n) { r(ec, n); });
  u.async_send_to(net::buffer(buf), u_ep, [r = rec(5)](error_code ec, std::size_t n) { r(ec, n); });
  u.async_wait(udp::socket::wait_write, [r = rec(6)](error_code ec) { r(ec); });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return calls == 7; }));
  for (std::size_t i = 0; i < codes.size(); ++i) {
    BOOST_TEST_CONTEXT("operation " << i) {
      CONF_CHECK_EC(codes[i], net::error::bad_descriptor);
    }
  }

  p.client.write_some(net::buffer(buf), ec);
  CONF_CHECK_EC(ec, net::error::bad_descriptor);
  p.client.set_option(tcp::no_delay(true), ec);
  CONF_CHECK_EC(ec, net::error::bad_descriptor);
  p.client.shutdown(tcp::socket::shutdown_both, ec);
  CONF_CHECK_EC(ec, net::error::bad_descriptor);
  acceptor.listen(5, ec);
  CONF_CHECK_EC(ec, net::error::bad_descriptor);
  u.send_to(net::buffer(buf), u_ep, 0, ec);
  CONF_CHECK_EC(ec, net::error::bad_descriptor);
  u.receive(net::buffer(buf), 0, ec);
  CONF_CHECK_EC(ec, net::error::bad_descriptor);

  // The peer of the closed socket sees an orderly end.
  std::size_t n = p.server.read_some(net::buffer(buf), ec);
  BOOST_TEST(n == 0u);
  CONF_CHECK_EC(ec, net::error::eof);
}

// listen() on a descriptor that is already connected (handed to an acceptor with assign()):
// EINVAL, and the connection is neither lost nor leaked: closing it ends it in order.
BOOST_AUTO_TEST_CASE(listen_on_a_connected_descriptor) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  tcp::acceptor a(ioc);
  a.assign(tcp::v4(), p.client.release());
  error_code ec;
  a.listen(5, ec);
  CONF_CHECK_EC(ec, net::error::invalid_argument);
  BOOST_TEST(a.is_open());
  a.close();
  std::array<char, 4> buf{};
  BOOST_TEST(p.server.read_some(net::buffer(buf), ec) == 0u);
  CONF_CHECK_EC(ec, net::error::eof);
}

// IPv4 UDP carries at most 65,507 bytes of payload: larger datagrams fail with message_size
// and nothing is sent; the socket keeps working.
BOOST_AUTO_TEST_CASE(oversized_udp_datagrams) {
  net::io_context ioc;
  udp::socket a(ioc, loopback_udp(0)), b(ioc, loopback_udp(0));
  std::vector<char> big(70000, 'b');
  for (std::size_t size : {std::size_t(65508), std::size_t(70000)}) {
    BOOST_TEST_CONTEXT("datagram of " << size << " bytes") {
      error_code async_ec;
      std::size_t sent = 999;
      bool done = false;
      a.async_send_to(net::buffer(big.data(), size), b.local_endpoint(),
                      [&](error_code ec, std::size_t n) {
                        async_ec = ec;
                        sent = n;
                        done = true;
                      });
      BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
      CONF_CHECK_EC(async_ec, net::error::message_size);
      BOOST_TEST(sent == 0u);
      error_code ec;
      BOOST_TEST(a.send_to(net::buffer(big.data(), size), b.local_endpoint(), 0, ec) == 0u);
      CONF_CHECK_EC(ec, net::error::message_size);
    }
  }
  // The largest legal one, then a small one: both arrive whole, in order.
  std::vector<char> in(70000);
  std::size_t got_big = 0, got_small = 0;
  bool done = false;
  a.send_to(net::buffer(big.data(), 65507), b.local_endpoint());
  a.send_to(net::buffer("small", 5), b.local_endpoint());
  b.async_receive(net::buffer(in), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    got_big = n;
    b.async_receive(net::buffer(in), [&](error_code ec, std::size_t n) {
      CONF_CHECK_OK(ec);
      got_small = n;
      done = true;
    });
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  BOOST_TEST(got_big == 65507u);
  BOOST_TEST(got_small == 5u);
}

BOOST_AUTO_TEST_SUITE_END()
