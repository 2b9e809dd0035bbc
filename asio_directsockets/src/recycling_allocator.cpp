#include <asio_directsockets/detail/recycling_allocator.hpp>

#include <cstdint>

namespace asio_directsockets::detail {

namespace {

// Each block starts with a header recording its usable size, so a cached
// block can serve any later request that fits.
struct alignas(std::max_align_t) block_header {
  std::size_t capacity;
};

constexpr std::size_t cache_slots = 4;
constexpr std::size_t granularity = 64;
constexpr std::size_t max_cached = 4096;

struct cache {
  block_header* slots[cache_slots] = {};
  ~cache() {
    for (auto* b : slots)
      ::operator delete(b);
  }
};

thread_local cache tl_cache;

}  // namespace

void* thread_memory_cache::allocate(std::size_t size) {
  const std::size_t rounded = (size + granularity - 1) / granularity * granularity;
  if (rounded <= max_cached) {
    for (auto*& b : tl_cache.slots) {
      if (b && b->capacity >= rounded) {
        block_header* h = b;
        b = nullptr;
        return h + 1;
      }
    }
  }
  auto* h = static_cast<block_header*>(::operator new(sizeof(block_header) + rounded));
  h->capacity = rounded;
  return h + 1;
}

void thread_memory_cache::deallocate(void* p) noexcept {
  if (!p) return;
  block_header* h = static_cast<block_header*>(p) - 1;
  if (h->capacity <= max_cached) {
    for (auto*& b : tl_cache.slots) {
      if (!b) {
        b = h;
        return;
      }
    }
  }
  ::operator delete(h);
}

}  // namespace asio_directsockets::detail
