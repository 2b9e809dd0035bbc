// Large byte-exact transfers: 64 MiB each way at the same time on one connection.

BOOST_AUTO_TEST_SUITE(tcp_bulk)

using namespace conformance;

namespace {

// Streams `total` pattern bytes, generating one chunk at a time so memory stays small. Chunk
// sizes vary so that write boundaries never line up with the reader's buffer.
class pattern_writer {
 public:
  pattern_writer(tcp::socket& s, pattern pat, std::uint64_t total)
      : s_(s), pat_(pat), total_(total), buf_(300000) {}
  void start() { next(); }
  bool done() const { return done_; }
  std::uint64_t sent() const { return sent_; }

 private:
  void next() {
    if (sent_ == total_) {
      s_.shutdown(tcp::socket::shutdown_send);  // tells the reader the stream is complete
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
  std::size_t chunks_ = 0;
  std::vector<unsigned char> buf_;
  bool done_ = false;
};

// Reads until EOF and checks every byte against the pattern as it arrives.
class pattern_reader {
 public:
  pattern_reader(tcp::socket& s, pattern pat) : s_(s), pat_(pat), buf_(100003) {}
  void start() { next(); }
  bool done() const { return done_; }
  std::uint64_t received() const { return received_; }
  bool intact() const { return intact_; }
  error_code final_error() const { return final_ec_; }

 private:
  void next() {
    s_.async_read_some(net::buffer(buf_), [this](error_code ec, std::size_t n) {
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
  std::vector<unsigned char> buf_;
  std::uint64_t received_ = 0;
  bool intact_ = true, done_ = false;
  error_code final_ec_;
};

}  // namespace

BOOST_AUTO_TEST_CASE(both_directions_64MiB_byte_exact) {
  constexpr std::uint64_t total = 64ull << 20;
  const pattern up{7, 13, 251}, down{11, 5, 241};  // distinct so crossed streams are caught

  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  pattern_writer client_writer(p.client, up, total), server_writer(p.server, down, total);
  pattern_reader server_reader(p.server, up), client_reader(p.client, down);
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
  CONF_CHECK_EC(server_reader.final_error(), net::error::eof);
  CONF_CHECK_EC(client_reader.final_error(), net::error::eof);
}

BOOST_AUTO_TEST_CASE(many_small_writes_arrive_in_order) {
  // 20000 tiny writes queued back to back: exercises per-operation overhead and ordering.
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
      p.client.shutdown(tcp::socket::shutdown_send);
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

BOOST_AUTO_TEST_SUITE_END()
