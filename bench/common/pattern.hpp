// The byte pattern of the bulk transfers (tcp_upload, tcp_download), checked
// byte by byte at the receiving end: byte i = (i % 251 + i / 65521) & 255.
// The i % 251 term shows any shift at once unless it is a multiple of 251;
// the block term catches those within one 65521-byte block (the same pattern
// as test/browser/peers/bulk_peer.py with seed 0). Generated and checked a
// block run at a time from a table, so that neither side is slowed by it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace bench {

class pattern {
 public:
  static constexpr std::uint64_t block = 65521;

  pattern() {
    for (std::size_t j = 0; j < sizeof table_; ++j)
      table_[j] = static_cast<unsigned char>(j % 251);
  }

  // Writes bytes [offset, offset + n) of the stream to out.
  void fill(void* out, std::size_t n, std::uint64_t offset) const {
    auto* p = static_cast<unsigned char*>(out);
    for_runs(n, offset,
             [&](std::size_t at, const unsigned char* ref, std::size_t len, unsigned char add) {
               for (std::size_t k = 0; k < len; ++k)
                 p[at + k] = static_cast<unsigned char>(ref[k] + add);
               return true;
             });
  }

  // Index (relative to in) of the first byte that differs from the stream at
  // offset, or -1 when all n bytes are right.
  long long check(const void* in, std::size_t n, std::uint64_t offset) const {
    const auto* p = static_cast<const unsigned char*>(in);
    long long bad = -1;
    for_runs(n, offset,
             [&](std::size_t at, const unsigned char* ref, std::size_t len, unsigned char add) {
               unsigned char diff = 0;
               for (std::size_t k = 0; k < len; ++k)
                 diff |= static_cast<unsigned char>(p[at + k] - ref[k] - add);
               if (!diff) return true;
               for (std::size_t k = 0; k < len; ++k)
                 if (static_cast<unsigned char>(p[at + k] - ref[k] - add) != 0) {
                   bad = static_cast<long long>(at + k);
                   break;
                 }
               return false;
             });
    return bad;
  }

 private:
  // Splits [offset, offset + n) into runs within one block: the bytes of a run
  // are table_[offset % 251 ...] + block number.
  template <typename F>
  void for_runs(std::size_t n, std::uint64_t offset, F f) const {
    std::size_t at = 0;
    while (at < n) {
      const std::uint64_t o = offset + at;
      const std::uint64_t within = o % block;
      const std::size_t len =
          static_cast<std::size_t>(n - at < block - within ? n - at : block - within);
      const auto add = static_cast<unsigned char>(o / block);
      if (!f(at, table_ + o % 251, len, add)) return;
      at += len;
    }
  }

  unsigned char table_[block + 251];
};

}  // namespace bench
