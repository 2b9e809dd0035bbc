// A fast writer and a slow reader: the writer keeps an async_write of 64 KiB outstanding at all
// times (32 MiB in total), the reader takes 16 KiB every 20 ms for the first 2 seconds, then
// drains the rest at full speed. The library must not buffer what the peer has not taken: the
// process's resident memory may grow by no more than a few MiB while 32 MiB wait to be sent
// (the kernel's socket buffers, which are not process memory, hold the backlog). Every byte is
// checked at the reader.
#include "helpers.hpp"

#include <fstream>
#include <string>
#include <vector>

using namespace native;

namespace {

// Under AddressSanitizer and ThreadSanitizer the process's RSS also holds shadow memory and the
// quarantine of freed blocks, which grow with the number of operations, not with what the
// library buffers: there the bound is reported, and asserted in the plain builds.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool rss_is_the_programs = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool rss_is_the_programs = false;
#else
constexpr bool rss_is_the_programs = true;
#endif
#else
constexpr bool rss_is_the_programs = true;
#endif

long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  long value = -1;
  while (status >> key)
    if (key == "VmRSS:" && status >> value) return value;
  return -1;
}

unsigned char byte_at(std::uint64_t i) {
  return static_cast<unsigned char>((i * 11 + 5) % 249);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(slow_reader_memory)

BOOST_AUTO_TEST_CASE(fast_writer_slow_reader_keeps_memory_bounded,
                     *boost::unit_test::timeout(120)) {
  constexpr std::size_t total = 32u << 20, chunk = 64u << 10, slow_read = 16u << 10;
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);

  // The writer's own buffers are allocated and touched before the baseline: a fresh buffer
  // per write, as a careless program would make, is what the library must not multiply.
  std::vector<std::vector<unsigned char>> out(total / chunk, std::vector<unsigned char>(chunk));
  for (std::size_t c = 0; c < out.size(); ++c)
    for (std::size_t k = 0; k < chunk; ++k)
      out[c][k] = byte_at(c * chunk + k);
  std::vector<unsigned char> in(1 << 20);
  ioc.poll();
  const long baseline = rss_kib();
  long peak = baseline;

  std::size_t next_chunk = 0, written = 0, received = 0, first_bad = total;
  std::function<void()> write_next = [&] {
    if (next_chunk == out.size()) return;
    net::async_write(p.client, net::buffer(out[next_chunk++]), [&](error_code ec, std::size_t n) {
      BOOST_TEST(!ec);
      written += n;
      write_next();
    });
  };
  write_next();

  const auto slow_until = clk::now() + 2s;
  net::steady_timer pace(ioc);
  std::function<void()> read_next = [&] {
    const bool slow = clk::now() < slow_until;
    p.server.async_read_some(net::buffer(in.data(), slow ? slow_read : in.size()),
                             [&, slow](error_code ec, std::size_t n) {
                               BOOST_TEST(!ec);
                               for (std::size_t k = 0; k < n && first_bad == total; ++k)
                                 if (in[k] != byte_at(received + k)) first_bad = received + k;
                               received += n;
                               peak = std::max(peak, rss_kib());
                               if (received == total) return;
                               if (!slow) return read_next();
                               pace.expires_after(20ms);
                               pace.async_wait([&](error_code) { read_next(); });
                             });
  };
  read_next();

  std::size_t written_while_slow = 0;
  BOOST_TEST_REQUIRE(run_until(
      ioc,
      [&] {
        if (clk::now() < slow_until) written_while_slow = written;
        return received == total && written == total;
      },
      60s));
  BOOST_TEST(first_bad == total, "first corrupt byte at " << first_bad);
  // The slow phase really was slow: the writer was held back by the reader.
  BOOST_TEST(written_while_slow < total / 2);
  const long growth = peak - baseline;
  BOOST_TEST_MESSAGE("slow reader: RSS baseline "
                     << baseline << " KiB, peak " << peak << " KiB, growth " << growth << " KiB; "
                     << written_while_slow << " bytes written during the slow phase");
  BOOST_TEST(baseline > 0);
  if (rss_is_the_programs)
    BOOST_TEST(growth < 4 * 1024, "RSS grew by " << growth << " KiB under a slow reader");
}

BOOST_AUTO_TEST_SUITE_END()
