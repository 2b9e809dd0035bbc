// The bytes GET /bytes/<n> of https_server answers with: byte i is 'a' + i % 26. Deterministic, so
// a client (or a test, or a benchmark) can check every byte of a download of any size by its
// length and SHA-256 without the server keeping a file.
#pragma once

#include <cstddef>

namespace example {

inline void fill_byte_pattern(char* out, std::size_t size, std::size_t offset) {
  for (std::size_t i = 0; i < size; ++i)
    out[i] = static_cast<char>('a' + (offset + i) % 26);
}

}  // namespace example
