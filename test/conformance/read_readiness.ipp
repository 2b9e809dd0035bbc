// A stream's read loop around the moments a reactor may skip work: a read that drained the
// socket, data that arrives while no read is pending, an empty read (Asio's async_read_until
// issues one when the delimiter is already buffered), reads started before their data.

BOOST_AUTO_TEST_SUITE(read_readiness)

using namespace conformance;

namespace {

// A read that drains the socket: started before the data is sent, so it waits for readiness,
// into a buffer larger than the message.
std::string drain_once(net::io_context& ioc, tcp::socket& from, tcp::socket& to,
                       const std::string& msg) {
  std::array<char, 256> buf{};
  std::size_t got = 0;
  bool read_done = false, write_done = false;
  from.async_read_some(net::buffer(buf), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    got = n;
    read_done = true;
  });
  net::async_write(to, net::buffer(msg), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    BOOST_TEST(n == msg.size());
    write_done = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return read_done && write_done; }));
  return std::string(buf.data(), got);
}

void write_all(net::io_context& ioc, tcp::socket& s, const std::string& data) {
  bool done = false;
  net::async_write(s, net::buffer(data), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    BOOST_TEST(n == data.size());
    done = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
}

std::string read_once(net::io_context& ioc, tcp::socket& from) {
  std::array<char, 256> buf{};
  std::size_t got = 0;
  bool done = false;
  from.async_read_some(net::buffer(buf), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    got = n;
    done = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  return std::string(buf.data(), got);
}

// Lets the context turn for a while with no read pending, so data sent meanwhile arrives
// (and a reactor may see it) before the next read starts.
void idle_for(net::io_context& ioc, std::chrono::milliseconds how_long) {
  net::steady_timer t(ioc, how_long);
  bool fired = false;
  t.async_wait([&](error_code ec) {
    CONF_CHECK_OK(ec);
    fired = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return fired; }));
}

}  // namespace

BOOST_AUTO_TEST_CASE(empty_read_after_a_draining_read_completes_at_once) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);  // (no structured binding: clang 14 lambdas cannot capture one)
  tcp::socket &client = p.client, &server = p.server;
  BOOST_TEST(drain_once(ioc, server, client, "hello") == "hello");
  // Nothing more will come: an empty read must not wait for data.
  bool done = false;
  server.async_read_some(net::mutable_buffer(), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    BOOST_TEST(n == 0u);
    done = true;
  });
  BOOST_TEST(run_until(ioc, [&] { return done; }));
}

BOOST_AUTO_TEST_CASE(read_until_with_the_rest_buffered_after_a_draining_read) {
  // Two lines in one segment: the first read drains the socket, the second line is found
  // in the buffer without another byte arriving.
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);  // (no structured binding: clang 14 lambdas cannot capture one)
  tcp::socket &client = p.client, &server = p.server;
  std::string buf;
  std::vector<std::string> lines;
  std::function<void()> next = [&] {
    net::async_read_until(server, net::dynamic_buffer(buf), '\n',
                          [&](error_code ec, std::size_t n) {
                            CONF_CHECK_OK(ec);
                            if (ec) return;
                            lines.push_back(buf.substr(0, n));
                            buf.erase(0, n);
                            if (lines.size() < 2) next();
                          });
  };
  next();  // waits for readiness: the data is sent after it started
  write_all(ioc, client, "one\ntwo\n");
  BOOST_TEST(run_until(ioc, [&] { return lines.size() == 2; }));
  BOOST_TEST(lines == (std::vector<std::string>{"one\n", "two\n"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(data_that_arrived_while_no_read_was_pending_is_read) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);  // (no structured binding: clang 14 lambdas cannot capture one)
  tcp::socket &client = p.client, &server = p.server;
  BOOST_TEST(drain_once(ioc, server, client, "first") == "first");
  write_all(ioc, client, "second");
  idle_for(ioc, std::chrono::milliseconds(30));
  BOOST_TEST(read_once(ioc, server) == "second");
  // And once more, now that the socket has been reported readable with nobody reading.
  write_all(ioc, client, "third!!");
  idle_for(ioc, std::chrono::milliseconds(30));
  BOOST_TEST(read_once(ioc, server) == "third!!");
}

BOOST_AUTO_TEST_CASE(read_started_before_its_data_after_a_draining_read) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);  // (no structured binding: clang 14 lambdas cannot capture one)
  tcp::socket &client = p.client, &server = p.server;
  for (int round = 0; round < 20; ++round) {
    const std::string msg = "message " + std::to_string(round);
    std::array<char, 256> buf{};
    std::size_t got = 0;
    bool read_done = false;
    server.async_read_some(net::buffer(buf), [&](error_code ec, std::size_t n) {
      CONF_CHECK_OK(ec);
      got = n;
      read_done = true;
    });
    idle_for(ioc, std::chrono::milliseconds(round % 4 == 0 ? 5 : 0));
    write_all(ioc, client, msg);
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return read_done; }));
    BOOST_TEST(std::string(buf.data(), got) == msg);
  }
}

BOOST_AUTO_TEST_CASE(eof_after_a_draining_read) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);  // (no structured binding: clang 14 lambdas cannot capture one)
  tcp::socket &client = p.client, &server = p.server;
  BOOST_TEST(drain_once(ioc, server, client, "bye") == "bye");
  bool done = false;
  std::array<char, 16> buf{};
  server.async_read_some(net::buffer(buf), [&](error_code ec, std::size_t n) {
    CONF_CHECK_EC(ec, net::error::eof);
    BOOST_TEST(n == 0u);
    done = true;
  });
  client.close();
  BOOST_TEST(run_until(ioc, [&] { return done; }));
}

BOOST_AUTO_TEST_SUITE_END()
