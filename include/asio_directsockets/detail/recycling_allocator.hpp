// Per-thread cache of recently freed operation blocks. Every async call
// allocates one operation; reusing the last few blocks keeps the hot path off
// the global heap, as Asio's own thread-local recycling does for io_context.
#pragma once

#include <cstddef>
#include <new>

namespace asio_directsockets::detail {

class thread_memory_cache {
 public:
  static void* allocate(std::size_t size);
  static void deallocate(void* p) noexcept;
};

template <typename T>
class recycling_allocator {
 public:
  using value_type = T;
  recycling_allocator() noexcept = default;
  template <typename U>
  recycling_allocator(const recycling_allocator<U>&) noexcept {}
  template <typename U>
  struct rebind {
    using other = recycling_allocator<U>;
  };

  T* allocate(std::size_t n) {
    return static_cast<T*>(thread_memory_cache::allocate(sizeof(T) * n));
  }
  void deallocate(T* p, std::size_t) noexcept { thread_memory_cache::deallocate(p); }

  friend bool operator==(const recycling_allocator&, const recycling_allocator&) noexcept {
    return true;
  }
  friend bool operator!=(const recycling_allocator&, const recycling_allocator&) noexcept {
    return false;
  }
};

}  // namespace asio_directsockets::detail
