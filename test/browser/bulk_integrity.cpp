// Bulk transfers through the library in real Chromium (Direct Sockets), every byte checked.
//
// Run by the browser runner in the page and in a dedicated Worker, against the verifying peers
// of peers/bulk_peer.py on 127.0.0.1 (their ports come after Boost.Test's `--`:
// `--port=N --small-port=M`; the small port's sockets have 8 KiB SO_RCVBUF/SO_SNDBUF). The data
// is a position-dependent pattern; the peer checks uploads byte by byte and reports a verdict
// line ("OK <n> <fin|open>", "BAD <n> <offset> <got> <want> ...", "SHORT ...", "LONG ...").
// Chromium 156 silently drops writes made while its 64 KiB send pipe is full
// (docs/chromium-write-drop.md); these tests are where the library's write discipline meets it.
#define BOOST_TEST_MODULE bulk_integrity
#include <boost/config.hpp>
#if defined(__EMSCRIPTEN__)
// As in conformance_ours.cpp: Boost.Test's sigsetjmp does not survive an ASYNCIFY suspension.
#undef BOOST_HAS_SIGACTION
#endif
#include <boost/test/included/unit_test.hpp>

#include <asio_directsockets.hpp>
namespace net = asio_directsockets;

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using tcp = net::ip::tcp;
using clk = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::uint64_t KiB = 1024, MiB = 1024 * KiB;

struct peer_ports {
  unsigned short port = 0, small_port = 0;
};

// The peers' ports, from the arguments after `--`.
const peer_ports& peers() {
  static const peer_ports p = [] {
    peer_ports r;
    auto& suite = boost::unit_test::framework::master_test_suite();
    for (int i = 1; i < suite.argc; ++i) {
      const std::string_view a = suite.argv[i];
      if (a.rfind("--port=", 0) == 0) r.port = static_cast<unsigned short>(std::atoi(a.data() + 7));
      if (a.rfind("--small-port=", 0) == 0)
        r.small_port = static_cast<unsigned short>(std::atoi(a.data() + 13));
    }
    return r;
  }();
  BOOST_TEST_REQUIRE(p.port != 0, "no --port=N after --: run through peers/bulk_peer.py");
  BOOST_TEST_REQUIRE(p.small_port != 0, "no --small-port=N after --");
  return p;
}

// Byte i is (i % 251 + i / 65521 + seed) & 255, as in bulk_peer.py.
struct pattern {
  unsigned seed;

  void fill(std::uint64_t offset, unsigned char* p, std::size_t n) const {
    unsigned a = static_cast<unsigned>(offset % 251);
    unsigned c = static_cast<unsigned>(offset % 65521);
    unsigned b = static_cast<unsigned>(offset / 65521) + seed;
    for (std::size_t k = 0; k < n; ++k) {
      p[k] = static_cast<unsigned char>(a + b);
      if (++a == 251) a = 0;
      if (++c == 65521) c = 0, ++b;
    }
  }
  unsigned char at(std::uint64_t i) const {
    return static_cast<unsigned char>(i % 251 + i / 65521 + seed);
  }
  // Index of the first byte that differs from the stream at `offset`, or n.
  std::size_t first_mismatch(std::uint64_t offset, const unsigned char* p, std::size_t n) const {
    std::vector<unsigned char> want(n);
    fill(offset, want.data(), n);
    for (std::size_t k = 0; k < n; ++k)
      if (p[k] != want[k]) return k;
    return n;
  }
};

// Every transfer has its own id (the peer's key) and seed.
struct transfer_id {
  std::string id;
  pattern pat;
};
transfer_id next_transfer() {
  static unsigned n = 0;
  ++n;
  return {"t" + std::to_string(n), pattern{(n * 37u) & 255u}};
}

net::awaitable<tcp::socket> connect(unsigned short port, int send_buffer = 0) {
  tcp::socket s(co_await net::this_coro::executor);
  s.open(tcp::v4());
  if (send_buffer > 0) s.set_option(net::socket_base::send_buffer_size(send_buffer));
  co_await s.async_connect({net::ip::make_address("127.0.0.1"), port}, net::use_awaitable);
  co_return s;
}

net::awaitable<void> send_line(tcp::socket& s, std::string line) {
  line += '\n';
  co_await net::async_write(s, net::buffer(line), net::use_awaitable);
}

net::awaitable<std::string> read_line(tcp::socket& s) {
  std::string line;
  const std::size_t n =
      co_await net::async_read_until(s, net::dynamic_buffer(line), '\n', net::use_awaitable);
  line.resize(n - 1);
  co_return line;
}

// Writes `total` pattern bytes in async_write calls of `piece` bytes.
net::awaitable<void> write_pattern(tcp::socket& s, const pattern& pat, std::uint64_t total,
                                   std::size_t piece) {
  std::vector<unsigned char> buf(piece);
  for (std::uint64_t sent = 0; sent < total;) {
    const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(piece, total - sent));
    pat.fill(sent, buf.data(), k);
    const std::size_t w =
        co_await net::async_write(s, net::buffer(buf.data(), k), net::use_awaitable);
    BOOST_TEST_REQUIRE(w == k, "async_write wrote " << w << " of " << k << " at offset " << sent);
    sent += k;
  }
}

// Asks the peer, on a fresh connection, for the verdict on upload `id`.
net::awaitable<std::string> query(const std::string& id, const char* until, int timeout_ms) {
  tcp::socket q = co_await connect(peers().port);
  co_await send_line(q, "QUERY " + id + " " + until + " " + std::to_string(timeout_ms));
  co_return co_await read_line(q);
}

std::string ok(std::uint64_t n, const char* end) {
  return "OK " + std::to_string(n) + " " + end;
}

// Runs `task` on a fresh context (blocking mode: run() suspends on the browser's event loop),
// failing the test if it throws or has not finished within `limit`.
template <class Task>
void run(Task task, clk::duration limit = 120s) {
  net::io_context ioc;
  bool done = false, timed_out = false;
  std::exception_ptr error;
  net::steady_timer watchdog(ioc, limit);
  watchdog.async_wait([&](boost::system::error_code ec) {
    if (ec) return;
    timed_out = true;
    ioc.stop();
  });
  net::co_spawn(ioc, std::move(task), [&](std::exception_ptr e) {
    error = e;
    done = true;
    watchdog.cancel();
  });
  ioc.run();
  BOOST_TEST_REQUIRE(!timed_out, "the transfer did not finish within the time limit");
  BOOST_TEST_REQUIRE(done);
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      BOOST_FAIL("the transfer threw: " << e.what());
    }
  }
}

double mib_per_s(std::uint64_t bytes, clk::time_point t0) {
  const double s = std::chrono::duration<double>(clk::now() - t0).count();
  return s > 0 ? static_cast<double>(bytes) / MiB / s : 0.0;
}

std::string one_decimal(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", v);
  return text;
}

// --- the three kinds of transfer ------------------------------------------------------------

// n bytes up through async_write in `piece`-byte calls; the peer reads at `reader` pace and
// answers once it has them; then close, and the peer must have seen exactly n bytes and FIN.
void upload(const char* reader, bool small_buffers, std::size_t piece, std::uint64_t n) {
  const auto t = next_transfer();
  const unsigned short port = small_buffers ? peers().small_port : peers().port;
  run([&]() -> net::awaitable<void> {
    tcp::socket s = co_await connect(port);
    co_await send_line(s, "UP " + t.id + " " + std::to_string(n) + " " +
                              std::to_string(t.pat.seed) + " " + reader + " reply");
    const auto t0 = clk::now();
    co_await write_pattern(s, t.pat, n, piece);
    const std::string verdict = co_await read_line(s);
    const double rate = mib_per_s(n, t0);
    BOOST_TEST(verdict == ok(n, "open"), "peer's verdict after the writes: " << verdict);
    s.close();
    const std::string final_verdict = co_await query(t.id, "end", 10000);
    BOOST_TEST(final_verdict == ok(n, "fin"), "peer's verdict after close: " << final_verdict);
    BOOST_TEST_MESSAGE("upload " << n / MiB << " MiB in " << piece / KiB << " KiB writes, peer "
                                 << reader << (small_buffers ? " (8 KiB buffers)" : "") << ": "
                                 << one_decimal(rate) << " MiB/s");
  });
}

// n bytes down through async_read (1 MiB at a time), every byte checked, then EOF.
void download(const char* writer, bool small_buffers, std::uint64_t n) {
  const auto t = next_transfer();
  const unsigned short port = small_buffers ? peers().small_port : peers().port;
  run([&]() -> net::awaitable<void> {
    tcp::socket s = co_await connect(port);
    co_await send_line(s, "DOWN " + t.id + " " + std::to_string(n) + " " +
                              std::to_string(t.pat.seed) + " " + writer);
    const auto t0 = clk::now();
    std::vector<unsigned char> buf(MiB);
    for (std::uint64_t got = 0; got < n;) {
      const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(MiB, n - got));
      const std::size_t r =
          co_await net::async_read(s, net::buffer(buf.data(), k), net::use_awaitable);
      BOOST_TEST_REQUIRE(r == k, "async_read returned " << r << " of " << k << " at " << got);
      const std::size_t m = t.pat.first_mismatch(got, buf.data(), k);
      BOOST_TEST_REQUIRE(m == k, "byte " << got + m << " is " << int(buf[m]) << ", expected "
                                         << int(t.pat.at(got + m)));
      got += k;
    }
    const double rate = mib_per_s(n, t0);
    unsigned char extra;
    auto [ec, more] =
        co_await s.async_read_some(net::buffer(&extra, 1), net::as_tuple(net::use_awaitable));
    BOOST_TEST(ec == net::error::eof,
               "after " << n << " bytes: " << ec.message() << ", " << more << " more byte(s)");
    BOOST_TEST_MESSAGE("download " << n / MiB << " MiB, peer " << writer
                                   << (small_buffers ? " (8 KiB buffers)" : "") << ": "
                                   << one_decimal(rate) << " MiB/s");
  });
}

enum class ending { shutdown_send, close };

// For each n: write n bytes (async_write, 256 KiB calls), then shutdown(send) or close at once;
// every byte must reach the peer. After shutdown(send) the peer sees no FIN (Chromium has no
// half-close) until the close that follows.
void write_then(const char* reader, bool small_buffers, int send_buffer, ending how,
                const std::vector<std::uint64_t>& sizes) {
  const unsigned short port = small_buffers ? peers().small_port : peers().port;
  for (const std::uint64_t n : sizes) {
    BOOST_TEST_CONTEXT("n = " << n) {
      const auto t = next_transfer();
      run([&]() -> net::awaitable<void> {
        tcp::socket s = co_await connect(port, send_buffer);
        co_await send_line(s, "UP " + t.id + " " + std::to_string(n) + " " +
                                  std::to_string(t.pat.seed) + " " + reader + " quiet");
        co_await write_pattern(s, t.pat, n, 256 * KiB);
        if (how == ending::shutdown_send) {
          s.shutdown(tcp::socket::shutdown_send);
          const std::string v = co_await query(t.id, "bytes", 5000);
          BOOST_TEST(v == ok(n, "open"), "after shutdown(send): " << v);
        }
        s.close();
        const std::string v = co_await query(t.id, "end", 10000);
        BOOST_TEST(v == ok(n, "fin"), "after close: " << v);
      });
    }
  }
}

const std::vector<std::uint64_t> small_to_16MiB = {1,      1000, 65535,       65536,   65537,
                                                   200000, MiB,  4 * MiB + 7, 16 * MiB};
const std::vector<std::uint64_t> small_to_1MiB = {1, 1000, 65535, 65536, 65537, 200000, MiB};

const char* const fast = "fast";
const char* const slow_16 = "slow:16777216";
const char* const slow_2 = "slow:2097152";
const char* const stop_and_go = "stopgo:1048576:50";  // 1 MiB, then a 50 ms pause: ~16 MiB/s

}  // namespace

BOOST_AUTO_TEST_SUITE(upload_64MiB)
BOOST_AUTO_TEST_CASE(async_write_64KiB_fast_reader) {
  upload(fast, false, 64 * KiB, 64 * MiB);
}
BOOST_AUTO_TEST_CASE(async_write_1MiB_fast_reader) {
  upload(fast, false, MiB, 64 * MiB);
}
BOOST_AUTO_TEST_CASE(async_write_64KiB_slow_reader_small_rcvbuf) {
  upload(slow_16, true, 64 * KiB, 64 * MiB);
}
BOOST_AUTO_TEST_CASE(async_write_1MiB_slow_reader_small_rcvbuf) {
  upload(slow_16, true, MiB, 64 * MiB);
}
BOOST_AUTO_TEST_CASE(async_write_64KiB_stop_and_go_reader) {
  upload(stop_and_go, false, 64 * KiB, 64 * MiB);
}
BOOST_AUTO_TEST_CASE(async_write_1MiB_stop_and_go_reader) {
  upload(stop_and_go, false, MiB, 64 * MiB);
}
// 2 MiB/s with 8 KiB buffers: the pipe stays full for the whole transfer.
BOOST_AUTO_TEST_CASE(async_write_64KiB_2MiBps_reader_8MiB) {
  upload(slow_2, true, 64 * KiB, 8 * MiB);
}
BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(download_64MiB)
BOOST_AUTO_TEST_CASE(async_read_fast_writer) {
  download(fast, false, 64 * MiB);
}
BOOST_AUTO_TEST_CASE(async_read_slow_writer_small_sndbuf) {
  download(slow_16, true, 64 * MiB);
}
BOOST_AUTO_TEST_CASE(async_read_stop_and_go_writer) {
  download(stop_and_go, false, 64 * MiB);
}
BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(write_then_end)
BOOST_AUTO_TEST_CASE(close_fast_reader) {
  write_then(fast, false, 0, ending::close, small_to_16MiB);
}
BOOST_AUTO_TEST_CASE(shutdown_send_fast_reader) {
  write_then(fast, false, 0, ending::shutdown_send, small_to_16MiB);
}
BOOST_AUTO_TEST_CASE(close_stop_and_go_reader) {
  write_then(stop_and_go, false, 0, ending::close, small_to_16MiB);
}
BOOST_AUTO_TEST_CASE(shutdown_send_stop_and_go_reader) {
  write_then(stop_and_go, false, 0, ending::shutdown_send, small_to_16MiB);
}
// The adversarial close (docs/chromium-write-drop.md#close): a 2 MiB/s peer with 8 KiB buffers
// and a 4 KiB send buffer on our side, so the pipe drains slowly exactly when the socket closes.
BOOST_AUTO_TEST_CASE(close_2MiBps_reader_small_buffers) {
  write_then(slow_2, true, 4096, ending::close, small_to_1MiB);
}
BOOST_AUTO_TEST_CASE(shutdown_send_2MiBps_reader_small_buffers) {
  write_then(slow_2, true, 4096, ending::shutdown_send, small_to_1MiB);
}
BOOST_AUTO_TEST_CASE(close_16MiBps_reader_small_buffers_16MiB) {
  write_then(slow_16, true, 4096, ending::close, {16 * MiB});
}
BOOST_AUTO_TEST_SUITE_END()

// Chromium 156 discards received data when the peer's FIN arrives while no reader.read() is
// pending (docs/chromium-fin-drop.md). The peer sends n bytes and its FIN at once; the program
// reads only after a delay, as an HTTP client that writes its request, does other work and then
// reads a "respond and close" answer. The library keeps a read pending, so nothing is lost.
BOOST_AUTO_TEST_SUITE(read_after_peer_close)
BOOST_AUTO_TEST_CASE(late_reads_100) {
  static constexpr std::uint64_t sizes[] = {5087, 64 * KiB, 200 * KiB};
  static constexpr int delays_ms[] = {0, 1, 5, 20, 60, 200};
  run(
      [&]() -> net::awaitable<void> {
        std::vector<unsigned char> buf(256 * KiB);
        for (int i = 0; i < 100; ++i) {
          const auto t = next_transfer();
          const std::uint64_t n = sizes[i % 3];
          const int delay = delays_ms[i % 6];
          tcp::socket s = co_await connect(peers().port);
          co_await send_line(s, "DOWN " + t.id + " " + std::to_string(n) + " " +
                                    std::to_string(t.pat.seed) + " fast");
          net::steady_timer timer(s.get_executor(), std::chrono::milliseconds(delay));
          co_await timer.async_wait(net::use_awaitable);
          auto [ec, got] = co_await net::async_read(s, net::buffer(buf.data(), n + 1),
                                                    net::as_tuple(net::use_awaitable));
          BOOST_TEST_REQUIRE(ec == net::error::eof, "transfer " << i << " (" << n << " bytes, read "
                                                                << delay
                                                                << " ms late): " << ec.message());
          BOOST_TEST_REQUIRE(got == n, "transfer " << i << ": " << got << " of " << n
                                                   << " bytes, read " << delay << " ms late");
          const std::size_t m = t.pat.first_mismatch(0, buf.data(), n);
          BOOST_TEST_REQUIRE(m == n, "transfer " << i << ": byte " << m << " differs");
        }
      },
      300s);
}
BOOST_AUTO_TEST_SUITE_END()
