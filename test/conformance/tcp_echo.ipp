// TCP data path: echo with callbacks and coroutines, composed read/write/read_until, half-close,
// accept variants and the synchronous calls.

BOOST_AUTO_TEST_SUITE(tcp_echo)

using namespace conformance;

namespace {

// How a client tells its peer that it has nothing more to send. Native TCP has both; Direct
// Sockets has no half-close (Chromium sends no FIN while the socket stays open), so cases
// that need shutdown_send carry the needs_half_close label and have a twin that closes.
enum class stream_end { shutdown_send, close };

// Server side of the callback echo: echoes each '\n'-terminated line until EOF.
class line_echo_session : public std::enable_shared_from_this<line_echo_session> {
 public:
  line_echo_session(tcp::socket s, std::function<void()> finished)
      : socket_(std::move(s)), finished_(std::move(finished)) {}
  void start() { read_line(); }

 private:
  void read_line() {
    net::async_read_until(socket_, net::dynamic_buffer(buf_), '\n',
                          [self = shared_from_this()](error_code ec, std::size_t n) {
                            if (ec) {
                              CONF_CHECK_EC(ec, net::error::eof);
                              BOOST_TEST(self->buf_.empty());  // the client only sends whole lines
                              self->finished_();
                              return;
                            }
                            BOOST_TEST_REQUIRE(n <= self->buf_.size());
                            BOOST_TEST(self->buf_[n - 1] == '\n');
                            self->line_ = self->buf_.substr(0, n);
                            self->buf_.erase(0, n);
                            net::async_write(self->socket_, net::buffer(self->line_),
                                             [self](error_code ec, std::size_t written) {
                                               CONF_CHECK_OK(ec);
                                               BOOST_TEST(written == self->line_.size());
                                               self->read_line();
                                             });
                          });
  }

  tcp::socket socket_;
  std::function<void()> finished_;
  std::string buf_, line_;
};

void echo_callbacks_ending_with(stream_end end) {
  net::io_context ioc;
  watchdog wd(ioc);
  tcp::acceptor acceptor = make_acceptor(ioc);
  int sessions_finished = 0;

  acceptor.async_accept([&](error_code ec, tcp::socket s) {
    CONF_CHECK_OK(ec);
    std::make_shared<line_echo_session>(std::move(s), [&] {
      ++sessions_finished;
      if (end == stream_end::close) wd.disarm();  // the client is gone already
    })->start();
  });

  // Several lines in one write (including an empty one) so the server must keep the bytes
  // that async_read_until read past the first delimiter.
  const std::string request = "hello\nworld, a somewhat longer line\n\nlast\n";
  const std::vector<std::string> expected = {"hello\n", "world, a somewhat longer line\n", "\n",
                                             "last\n"};
  tcp::socket client(ioc);
  std::string rx;
  std::vector<std::string> lines;
  bool client_saw_eof = false;

  std::function<void()> read_reply = [&] {
    net::async_read_until(client, net::dynamic_buffer(rx), '\n', [&](error_code ec, std::size_t n) {
      if (lines.size() == expected.size()) {
        // After our shutdown(send) the server finishes and closes: orderly EOF.
        CONF_CHECK_EC(ec, net::error::eof);
        BOOST_TEST(n == 0u);
        client_saw_eof = true;
        wd.disarm();
        return;
      }
      CONF_CHECK_OK(ec);
      if (ec) return;
      lines.push_back(rx.substr(0, n));
      rx.erase(0, n);
      if (lines.size() == expected.size() && end == stream_end::close) {
        client.close();  // the server still sees every line, then EOF
        return;
      }
      if (lines.size() == expected.size()) client.shutdown(tcp::socket::shutdown_send);
      read_reply();
    });
  };

  client.async_connect(acceptor.local_endpoint(), [&](error_code ec) {
    CONF_CHECK_OK(ec);
    net::async_write(client, net::buffer(request), [&](error_code ec, std::size_t n) {
      CONF_CHECK_OK(ec);
      BOOST_TEST(n == request.size());
      read_reply();
    });
  });

  ioc.run();  // returns by itself once every operation has completed
  BOOST_TEST(!wd.fired());
  BOOST_TEST(lines == expected, boost::test_tools::per_element());
  BOOST_TEST(client_saw_eof == (end == stream_end::shutdown_send));
  BOOST_TEST(sessions_finished == 1);
}

net::awaitable<void> co_echo_server(tcp::acceptor& acceptor, int& served) {
  tcp::socket s = co_await acceptor.async_accept(net::use_awaitable);
  std::string buf;
  for (;;) {
    auto [ec, n] = co_await net::async_read_until(s, net::dynamic_buffer(buf), '\n',
                                                  net::as_tuple(net::use_awaitable));
    if (ec) {
      CONF_CHECK_EC(ec, net::error::eof);
      break;
    }
    const std::size_t written =
        co_await net::async_write(s, net::buffer(buf.data(), n), net::use_awaitable);
    BOOST_TEST(written == n);
    buf.erase(0, n);
  }
  ++served;
}

net::awaitable<void> co_echo_client(tcp::endpoint ep, std::vector<std::string>& replies,
                                    stream_end end) {
  tcp::socket s(co_await net::this_coro::executor);
  co_await s.async_connect(ep, net::use_awaitable);
  std::string buf;
  for (int i = 0; i < 50; ++i) {
    const std::string line = "line " + std::to_string(i) + std::string(i * 37, 'x') + "\n";
    co_await net::async_write(s, net::buffer(line), net::use_awaitable);
    const std::size_t n =
        co_await net::async_read_until(s, net::dynamic_buffer(buf), '\n', net::use_awaitable);
    replies.push_back(buf.substr(0, n));
    buf.erase(0, n);
  }
  if (end == stream_end::close) co_return;  // s closes here; the server sees EOF
  s.shutdown(tcp::socket::shutdown_send);
  // The server closes after seeing our EOF; with use_awaitable an error is an exception.
  try {
    std::array<char, 16> tmp;
    co_await s.async_read_some(net::buffer(tmp), net::use_awaitable);
    BOOST_ERROR("expected EOF after the server closed");
  } catch (const boost::system::system_error& e) {
    CONF_CHECK_EC(e.code(), net::error::eof);
  }
}

void echo_coroutines_ending_with(stream_end end) {
  net::io_context ioc;
  watchdog wd(ioc);
  tcp::acceptor acceptor = make_acceptor(ioc);
  int served = 0;
  bool server_done = false, client_done = false;
  std::vector<std::string> replies;

  net::co_spawn(ioc, co_echo_server(acceptor, served), [&](std::exception_ptr e) {
    report_exception{&server_done}(e);
    if (client_done) wd.disarm();
  });
  net::co_spawn(ioc, co_echo_client(acceptor.local_endpoint(), replies, end),
                [&](std::exception_ptr e) {
                  report_exception{&client_done}(e);
                  if (server_done || end == stream_end::shutdown_send) wd.disarm();
                });
  ioc.run();

  BOOST_TEST(server_done);
  BOOST_TEST(client_done);
  BOOST_TEST(served == 1);
  BOOST_TEST_REQUIRE(replies.size() == 50u);
  for (int i = 0; i < 50; ++i)
    BOOST_TEST(replies[i] == "line " + std::to_string(i) + std::string(i * 37, 'x') + "\n");
}

void gather_write_and_exact_read_ending_with(stream_end end) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);

  const std::string a = "first-", b(100000, 'b'), c = "-last";
  std::array<net::const_buffer, 3> parts = {net::buffer(a), net::buffer(b), net::buffer(c)};
  std::string rx(a.size() + b.size() + c.size(), '\0');
  std::size_t written = 0, read = 0;
  bool wrote = false, got = false;

  net::async_write(p.client, parts, [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    written = n;
    wrote = true;
  });
  // async_read with a fixed-size buffer completes only when the buffer is full.
  net::async_read(p.server, net::buffer(rx), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    read = n;
    got = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return wrote && got; }));
  BOOST_TEST(written == rx.size());
  BOOST_TEST(read == rx.size());
  BOOST_TEST((rx == a + b + c));

  // A short stream: async_read reports EOF together with the bytes it did get.
  std::array<char, 100> big{};
  std::size_t short_n = 999;
  error_code short_ec;
  bool short_done = false;
  net::write(p.client, net::buffer("0123456789", 10));
  if (end == stream_end::close)
    p.client.close();
  else
    p.client.shutdown(tcp::socket::shutdown_send);
  net::async_read(p.server, net::buffer(big), [&](error_code ec, std::size_t n) {
    short_ec = ec;
    short_n = n;
    short_done = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return short_done; }));
  CONF_CHECK_EC(short_ec, net::error::eof);
  BOOST_TEST(short_n == 10u);
  BOOST_TEST(std::string(big.data(), 10) == "0123456789");
}

void read_until_ending_with(stream_end end) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  net::write(p.server, net::buffer(std::string("alpha\r\nbeta\r\ngamma")));
  if (end == stream_end::close)
    p.server.close();
  else
    p.server.shutdown(tcp::socket::shutdown_send);

  std::string buf;
  std::vector<std::pair<error_code, std::size_t>> results;
  std::vector<std::string> lines;
  std::function<void()> next = [&] {
    net::async_read_until(p.client, net::dynamic_buffer(buf), "\r\n",
                          [&](error_code ec, std::size_t n) {
                            results.emplace_back(ec, n);
                            if (ec) return;
                            lines.push_back(buf.substr(0, n));
                            buf.erase(0, n);
                            next();
                          });
  };
  next();
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return !results.empty() && results.back().first; }));
  BOOST_TEST_REQUIRE(results.size() == 3u);
  BOOST_TEST(results[0].second == 7u);
  BOOST_TEST(results[1].second == 6u);
  BOOST_TEST(lines == (std::vector<std::string>{"alpha\r\n", "beta\r\n"}),
             boost::test_tools::per_element());
  // At EOF the undelimited tail stays in the dynamic buffer and n is 0.
  CONF_CHECK_EC(results[2].first, net::error::eof);
  BOOST_TEST(results[2].second == 0u);
  BOOST_TEST(buf == "gamma");
}

}  // namespace

BOOST_AUTO_TEST_CASE(echo_callbacks, *boost::unit_test::label("needs_half_close")) {
  echo_callbacks_ending_with(stream_end::shutdown_send);
}

BOOST_AUTO_TEST_CASE(echo_callbacks_client_closes) {
  echo_callbacks_ending_with(stream_end::close);
}

BOOST_AUTO_TEST_CASE(echo_coroutines, *boost::unit_test::label("needs_half_close")) {
  echo_coroutines_ending_with(stream_end::shutdown_send);
}

BOOST_AUTO_TEST_CASE(echo_coroutines_client_closes) {
  echo_coroutines_ending_with(stream_end::close);
}

BOOST_AUTO_TEST_CASE(gather_write_and_exact_read, *boost::unit_test::label("needs_half_close")) {
  gather_write_and_exact_read_ending_with(stream_end::shutdown_send);
}

BOOST_AUTO_TEST_CASE(gather_write_and_exact_read_then_close) {
  gather_write_and_exact_read_ending_with(stream_end::close);
}

BOOST_AUTO_TEST_CASE(read_until_keeps_extra_bytes_and_partial_tail,
                     *boost::unit_test::label("needs_half_close")) {
  read_until_ending_with(stream_end::shutdown_send);
}

BOOST_AUTO_TEST_CASE(read_until_keeps_extra_bytes_and_partial_tail_then_close) {
  read_until_ending_with(stream_end::close);
}

BOOST_AUTO_TEST_CASE(read_until_max_size_gives_not_found) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  net::write(p.server, net::buffer(std::string("0123456789abcdef\n")));

  std::string buf;
  error_code result;
  bool done = false;
  // The dynamic buffer may not grow past 8 bytes and the delimiter is further away.
  net::async_read_until(p.client, net::dynamic_buffer(buf, 8), '\n',
                        [&](error_code ec, std::size_t n) {
                          result = ec;
                          BOOST_TEST(n == 0u);
                          done = true;
                        });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  CONF_CHECK_EC(result, net::error::not_found);
  BOOST_TEST(buf.size() <= 8u);
}

BOOST_AUTO_TEST_CASE(half_close_then_reply, *boost::unit_test::label("needs_half_close")) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  const std::string request(300000, 'q');  // bigger than one read so EOF follows real data
  std::string server_rx, client_rx;
  bool server_done = false, client_done = false;

  net::async_write(p.client, net::buffer(request), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    BOOST_TEST(n == request.size());
    p.client.shutdown(tcp::socket::shutdown_send);
    // Our send side is shut: writing now fails immediately with broken_pipe (EPIPE),
    // and must not raise SIGPIPE.
    error_code wec;
    const std::size_t wn = p.client.write_some(net::buffer("x", 1), wec);
    CONF_CHECK_EC(wec, net::error::broken_pipe);
    BOOST_TEST(wn == 0u);
    // ...but the receive side still works: read the reply to EOF.
    net::async_read(p.client, net::dynamic_buffer(client_rx), [&](error_code ec, std::size_t n) {
      CONF_CHECK_EC(ec, net::error::eof);
      BOOST_TEST(n == client_rx.size());
      client_done = true;
    });
  });

  // async_read into a dynamic buffer with no completion condition reads until EOF.
  net::async_read(p.server, net::dynamic_buffer(server_rx), [&](error_code ec, std::size_t n) {
    CONF_CHECK_EC(ec, net::error::eof);
    BOOST_TEST(n == request.size());
    BOOST_TEST((server_rx == request));
    const auto reply = std::make_shared<std::string>("reply after half-close");
    net::async_write(p.server, net::buffer(*reply), [&, reply](error_code ec, std::size_t) {
      CONF_CHECK_OK(ec);
      p.server.close();
      server_done = true;
    });
  });

  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return server_done && client_done; }));
  BOOST_TEST(client_rx == "reply after half-close");
}

// What half_close_then_reply checks, except that the peer sees end-of-stream: with Direct
// Sockets the peer learns the request's end from its length (no FIN before close()).
BOOST_AUTO_TEST_CASE(shutdown_send_keeps_the_receive_side) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  const std::string request(300000, 'q');
  std::string server_rx(request.size(), '\0'), client_rx;
  bool server_done = false, client_done = false;

  net::async_write(p.client, net::buffer(request), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    BOOST_TEST(n == request.size());
    p.client.shutdown(tcp::socket::shutdown_send);
    error_code wec;
    const std::size_t wn = p.client.write_some(net::buffer("x", 1), wec);
    CONF_CHECK_EC(wec, net::error::broken_pipe);
    BOOST_TEST(wn == 0u);
    net::async_read(p.client, net::dynamic_buffer(client_rx), [&](error_code ec, std::size_t n) {
      CONF_CHECK_EC(ec, net::error::eof);
      BOOST_TEST(n == client_rx.size());
      client_done = true;
    });
  });

  net::async_read(p.server, net::buffer(server_rx), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    BOOST_TEST(n == request.size());
    BOOST_TEST((server_rx == request));
    const auto reply = std::make_shared<std::string>("reply after shutdown");
    net::async_write(p.server, net::buffer(*reply), [&, reply](error_code ec, std::size_t) {
      CONF_CHECK_OK(ec);
      p.server.close();
      server_done = true;
    });
  });

  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return server_done && client_done; }));
  BOOST_TEST(client_rx == "reply after shutdown");
}

BOOST_AUTO_TEST_CASE(accept_variants) {
  net::io_context ioc;
  tcp::acceptor acceptor = make_acceptor(ioc);
  const tcp::endpoint ep = acceptor.local_endpoint();
  BOOST_TEST(ep.address() == net::ip::make_address("127.0.0.1"));
  BOOST_TEST(ep.port() != 0);

  // 1. Handler receives the new socket; the handler itself is move-only.
  tcp::socket c1(ioc);
  std::optional<tcp::socket> s1;
  auto token = std::make_unique<int>(41);
  acceptor.async_accept([&, token = std::move(token)](error_code ec, tcp::socket s) mutable {
    CONF_CHECK_OK(ec);
    BOOST_TEST(*token == 41);
    s1.emplace(std::move(s));
  });
  c1.async_connect(ep, [](error_code ec) { CONF_CHECK_OK(ec); });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return s1.has_value(); }));
  BOOST_TEST(s1->is_open());
  BOOST_TEST(s1->remote_endpoint() == c1.local_endpoint());

  // 2. Accept into an existing socket, also reporting the peer endpoint.
  tcp::socket c2(ioc), s2(ioc);
  tcp::endpoint peer;
  bool accepted2 = false;
  acceptor.async_accept(s2, peer, [&](error_code ec) {
    CONF_CHECK_OK(ec);
    accepted2 = true;
  });
  c2.async_connect(ep, [](error_code ec) { CONF_CHECK_OK(ec); });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return accepted2; }));
  BOOST_TEST(s2.is_open());
  BOOST_TEST(peer == c2.local_endpoint());
  BOOST_TEST(s2.local_endpoint() == ep);

  // 3. Accepting into a socket that is already open is refused with already_open.
  error_code ec3;
  bool done3 = false;
  acceptor.async_accept(s2, [&](error_code ec) {
    ec3 = ec;
    done3 = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done3; }));
  CONF_CHECK_EC(ec3, net::error::already_open);

  // 4. Coroutine form returns the socket.
  tcp::socket c4(ioc);
  std::optional<tcp::socket> s4;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        s4.emplace(co_await acceptor.async_accept(net::use_awaitable));
      },
      report_exception{});
  c4.async_connect(ep, [](error_code ec) { CONF_CHECK_OK(ec); });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return s4.has_value(); }));
  BOOST_TEST(s4->remote_endpoint() == c4.local_endpoint());
}

// Blocking calls have no watchdog of their own; the decorator bounds them natively.
BOOST_AUTO_TEST_CASE(synchronous_calls, *boost::unit_test::timeout(60)) {
  // Blocking calls work single-threaded because the kernel completes the TCP handshake into
  // the listen backlog before accept() is called.
  net::io_context ioc;
  tcp::acceptor acceptor(ioc);
  acceptor.open(tcp::v4());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(loopback(0));
  acceptor.listen();

  tcp::socket client(ioc);
  client.connect(acceptor.local_endpoint());
  tcp::socket server = acceptor.accept();
  BOOST_TEST(server.remote_endpoint() == client.local_endpoint());

  BOOST_TEST(client.write_some(net::buffer("ping", 4)) == 4u);
  std::array<char, 16> buf{};
  std::size_t got = 0;
  while (got < 4)
    got += server.read_some(net::buffer(buf.data() + got, 4 - got));
  BOOST_TEST(std::string(buf.data(), 4) == "ping");

  BOOST_TEST(net::write(server, net::buffer("pong!", 5)) == 5u);
  BOOST_TEST(net::read(client, net::buffer(buf.data(), 5)) == 5u);
  BOOST_TEST(std::string(buf.data(), 5) == "pong!");

  std::string line;
  net::write(server, net::buffer(std::string("sync line\nrest")));
  const std::size_t n = net::read_until(client, net::dynamic_buffer(line), '\n');
  BOOST_TEST(line.substr(0, n) == "sync line\n");

  server.close();
  error_code ec;
  std::size_t tail = 0;
  for (int i = 0; i < 10 && !ec; ++i)
    tail += client.read_some(net::buffer(buf), ec);
  CONF_CHECK_EC(ec, net::error::eof);
  BOOST_TEST(line.size() - n + tail == 4u);  // "rest"
}

// Every blocking accept overload Boost offers: with the peer's endpoint, onto another executor
// or context, with and without an error_code; and the async form onto a context with the peer's
// endpoint.
BOOST_AUTO_TEST_CASE(accept_overloads_onto_other_executors, *boost::unit_test::timeout(60)) {
  net::io_context ioc, other;
  tcp::acceptor acceptor = make_acceptor(ioc);
  const tcp::endpoint ep = acceptor.local_endpoint();
  std::vector<tcp::socket> clients;
  auto connect_one = [&] {
    clients.emplace_back(ioc);
    clients.back().connect(ep);
    return clients.back().local_endpoint();
  };

  tcp::endpoint peer;
  tcp::endpoint expected = connect_one();
  tcp::socket a = acceptor.accept(peer);
  BOOST_TEST(peer == expected);
  BOOST_TEST(a.remote_endpoint() == expected);

  error_code ec = net::error::fault;
  expected = connect_one();
  tcp::socket b = acceptor.accept(peer, ec);
  CONF_CHECK_OK(ec);
  BOOST_TEST(peer == expected);

  expected = connect_one();
  auto c = acceptor.accept(other.get_executor());
  BOOST_TEST((c.get_executor() == other.get_executor()));
  BOOST_TEST(c.remote_endpoint() == expected);

  expected = connect_one();
  auto d = acceptor.accept(other, peer, ec);
  CONF_CHECK_OK(ec);
  BOOST_TEST((d.get_executor() == other.get_executor()));
  BOOST_TEST(peer == expected);

  expected = connect_one();
  auto e = acceptor.accept(other.get_executor(), peer);
  BOOST_TEST(peer == expected);
  BOOST_TEST(e.is_open());

  expected = connect_one();
  auto f = acceptor.accept(other, ec);
  CONF_CHECK_OK(ec);
  BOOST_TEST(f.remote_endpoint() == expected);

  // Async onto another context, reporting the peer: the operation runs on the acceptor's
  // context, the socket belongs to `other`.
  std::optional<tcp::socket> g;
  tcp::endpoint g_peer;
  acceptor.async_accept(other, g_peer, [&](error_code aec, tcp::socket s) {
    CONF_CHECK_OK(aec);
    g.emplace(std::move(s));
  });
  expected = connect_one();
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return g.has_value(); }));
  BOOST_TEST(g_peer == expected);
  BOOST_TEST((g->get_executor() == other.get_executor()));

  // A closed acceptor reports bad_descriptor through each error_code overload.
  acceptor.close();
  tcp::socket h = acceptor.accept(peer, ec);
  CONF_CHECK_EC(ec, net::error::bad_descriptor);
  BOOST_TEST(!h.is_open());
  auto i = acceptor.accept(other, ec);
  CONF_CHECK_EC(ec, net::error::bad_descriptor);
  BOOST_TEST(!i.is_open());
  BOOST_CHECK_THROW(acceptor.accept(other.get_executor(), peer), boost::system::system_error);
}

// An acceptor built around a released listening handle keeps accepting (Boost's
// (executor|context, protocol, native_handle) constructors).
BOOST_AUTO_TEST_CASE(acceptor_adopts_a_native_handle) {
  net::io_context ioc;
  tcp::acceptor first = make_acceptor(ioc);
  const tcp::endpoint ep = first.local_endpoint();
  tcp::acceptor adopted(ioc, tcp::v4(), first.release());
  BOOST_TEST(!first.is_open());
  BOOST_TEST(adopted.is_open());
  BOOST_TEST(adopted.local_endpoint() == ep);
  tcp::acceptor again(ioc.get_executor(), tcp::v4(), adopted.release());

  tcp::socket client(ioc);
  std::optional<tcp::socket> server;
  again.async_accept([&](error_code ec, tcp::socket s) {
    CONF_CHECK_OK(ec);
    server.emplace(std::move(s));
  });
  client.async_connect(ep, [](error_code ec) { CONF_CHECK_OK(ec); });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return server.has_value(); }));
  BOOST_TEST(server->remote_endpoint() == client.local_endpoint());
}

BOOST_AUTO_TEST_CASE(zero_length_operations_succeed_immediately) {
  // An empty buffer on a stream socket completes at once with success and 0 bytes: it is not
  // EOF and does not wait for data.
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  std::array<char, 4> buf{};
  std::vector<std::pair<error_code, std::size_t>> results;
  auto record = [&](error_code ec, std::size_t n) { results.emplace_back(ec, n); };
  p.client.async_read_some(net::buffer(buf.data(), 0), record);
  p.client.async_write_some(net::buffer(buf.data(), 0), record);
  net::async_read(p.client, net::buffer(buf.data(), 0), record);
  net::async_write(p.client, net::buffer(buf.data(), 0), record);
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return results.size() == 4; }));
  for (const auto& [ec, n] : results) {
    CONF_CHECK_OK(ec);
    BOOST_TEST(n == 0u);
  }
  BOOST_TEST(p.server.available() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
