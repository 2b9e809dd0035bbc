// Large byte-exact transfers: 64 MiB each way at the same time on one connection.

BOOST_AUTO_TEST_SUITE(tcp_bulk)

using namespace conformance;

namespace {

// Streams `total` pattern bytes, generating one chunk at a time so memory stays small. Chunk
// sizes vary so that write boundaries never line up with the reader's buffer. With
// half_close the end is marked by shutdown(send); otherwise the reader knows the length
// (Direct Sockets has no half-close: docs/browser.md).
class pattern_writer {
 public:
  pattern_writer(tcp::socket& s, pattern pat, std::uint64_t total, bool half_close)
      : s_(s), pat_(pat), total_(total), half_close_(half_close), buf_(300000) {}
  void start() { next(); }
  bool done() const { return done_; }
  std::uint64_t sent() const { return sent_; }

 private:
  void next() {
    if (sent_ == total_) {
      if (half_close_) s_.shutdown(tcp::socket::shutdown_send);  // the stream is complete
      done_ = true;
      return;
    }
    const std::size_t want = 200000 + (chunks_++ % 7) * 10007;
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(want, total_ - sent_));
    pat_.fill(sent_, buf_.data(), n);
    net::async_write(s_, net::buffer(buf_.data(), n), [this, n](error_code ec, std::size_t w) {
      if (ec || w != n) {
        BOOST_ERROR("bulk write failed: " << ec.message() << ", wrote " << w << " of " << n);
        done_ = true;
        return;
      }
      sent_ += w;
      next();
    });
  }

  tcp::socket& s_;
  pattern pat_;
  std::uint64_t total_, sent_ = 0;
  bool half_close_;
  std::size_t chunks_ = 0;
  std::vector<unsigned char> buf_;
  bool done_ = false;
};

// Reads until EOF (or, given a length, until that many bytes arrived) and checks every byte
// against the pattern as it arrives.
class pattern_reader {
 public:
  pattern_reader(tcp::socket& s, pattern pat, std::uint64_t length = 0)
      : s_(s), pat_(pat), length_(length), buf_(100003) {}
  void start() { next(); }
  bool done() const { return done_; }
  std::uint64_t received() const { return received_; }
  bool intact() const { return intact_; }
  error_code final_error() const { return final_ec_; }

 private:
  void next() {
    if (length_ && received_ == length_) {
      done_ = true;
      return;
    }
    const std::size_t want =
        length_
            ? static_cast<std::size_t>(std::min<std::uint64_t>(buf_.size(), length_ - received_))
            : buf_.size();
    s_.async_read_some(net::buffer(buf_.data(), want), [this](error_code ec, std::size_t n) {
      if (ec) {
        BOOST_TEST(n == 0u);
        final_ec_ = ec;
        done_ = true;
        return;
      }
      BOOST_TEST_REQUIRE(n > 0u);  // a successful stream read never returns 0 bytes
      if (intact_) {
        const std::size_t m = pat_.first_mismatch(received_, buf_.data(), n);
        if (m != n) {
          intact_ = false;
          BOOST_ERROR("byte " << (received_ + m) << " is " << int(buf_[m]) << ", expected "
                              << int(pat_.at(received_ + m)));
        }
      }
      received_ += n;
      next();
    });
  }

  tcp::socket& s_;
  pattern pat_;
  std::uint64_t length_;
  std::vector<unsigned char> buf_;
  std::uint64_t received_ = 0;
  bool intact_ = true, done_ = false;
  error_code final_ec_;
};

// 64 MiB each way at once. With half_close each side ends with shutdown(send) and reads to
// EOF; otherwise each reads exactly 64 MiB, and then the client's close() gives the server EOF.
void both_directions_64MiB(bool half_close) {
  constexpr std::uint64_t total = 64ull << 20;
  const pattern up{7, 13, 251}, down{11, 5, 241};  // distinct so crossed streams are caught

  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  pattern_writer client_writer(p.client, up, total, half_close),
      server_writer(p.server, down, total, half_close);
  const std::uint64_t length = half_close ? 0 : total;
  pattern_reader server_reader(p.server, up, length), client_reader(p.client, down, length);
  client_writer.start();
  server_writer.start();
  server_reader.start();
  client_reader.start();

  // Both sides write before either reads much: needs real concurrency of reads and writes on
  // each socket, or the socket buffers fill and the transfer deadlocks (caught by the limit).
  const auto t0 = clk::now();
  BOOST_TEST_REQUIRE(run_until(
      ioc,
      [&] {
        return client_writer.done() && server_writer.done() && server_reader.done() &&
               client_reader.done();
      },
      60s));
  BOOST_TEST_MESSAGE(
      "2 x 64 MiB in "
      << std::chrono::duration_cast<std::chrono::milliseconds>(clk::now() - t0).count() << " ms");

  BOOST_TEST(client_writer.sent() == total);
  BOOST_TEST(server_writer.sent() == total);
  BOOST_TEST(server_reader.received() == total);
  BOOST_TEST(client_reader.received() == total);
  BOOST_TEST(server_reader.intact());
  BOOST_TEST(client_reader.intact());
  if (half_close) {
    CONF_CHECK_EC(server_reader.final_error(), net::error::eof);
    CONF_CHECK_EC(client_reader.final_error(), net::error::eof);
    return;
  }
  p.client.close();
  std::array<char, 16> tail{};
  error_code tail_ec;
  bool tail_done = false;
  p.server.async_read_some(net::buffer(tail), [&](error_code ec, std::size_t n) {
    tail_ec = ec;
    BOOST_TEST(n == 0u);
    tail_done = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return tail_done; }));
  CONF_CHECK_EC(tail_ec, net::error::eof);
}

// 20000 tiny writes queued back to back: exercises per-operation overhead and ordering. The
// writer ends the stream with shutdown(send), or with close(), which must not lose what was
// queued before it.
void many_small_writes(bool half_close) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  const pattern pat{7, 13, 251};
  constexpr std::size_t count = 20000, piece = 3;
  std::vector<unsigned char> out(count * piece);
  pat.fill(0, out.data(), out.size());

  std::size_t idx = 0;
  bool writes_done = false;
  std::function<void()> write_next = [&] {
    if (idx == count) {
      if (half_close)
        p.client.shutdown(tcp::socket::shutdown_send);
      else
        p.client.close();
      writes_done = true;
      return;
    }
    net::async_write(p.client, net::buffer(out.data() + idx * piece, piece),
                     [&](error_code ec, std::size_t n) {
                       CONF_CHECK_OK(ec);
                       BOOST_TEST_REQUIRE(n == piece);
                       ++idx;
                       write_next();
                     });
  };
  write_next();

  std::string in;
  bool read_done = false;
  net::async_read(p.server, net::dynamic_buffer(in), [&](error_code ec, std::size_t n) {
    CONF_CHECK_EC(ec, net::error::eof);
    BOOST_TEST(n == out.size());
    read_done = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return writes_done && read_done; }));
  BOOST_TEST_REQUIRE(in.size() == out.size());
  BOOST_TEST(pat.first_mismatch(0, reinterpret_cast<const unsigned char*>(in.data()), in.size()) ==
             in.size());
}

}  // namespace

BOOST_AUTO_TEST_CASE(both_directions_64MiB_byte_exact,
                     *boost::unit_test::label("needs_half_close")) {
  both_directions_64MiB(true);
}

BOOST_AUTO_TEST_CASE(both_directions_64MiB_of_known_length_byte_exact) {
  both_directions_64MiB(false);
}

BOOST_AUTO_TEST_CASE(many_small_writes_arrive_in_order,
                     *boost::unit_test::label("needs_half_close")) {
  many_small_writes(true);
}

BOOST_AUTO_TEST_CASE(many_small_writes_then_close_arrive_in_order) {
  many_small_writes(false);
}

BOOST_AUTO_TEST_SUITE_END()
