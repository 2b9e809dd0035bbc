// Allocation of operation objects through the handler's associated allocator
// (std::allocator maps to the per-thread recycling cache), with the memory
// released before the handler is invoked, as Asio guarantees.
#pragma once

#include <asio_directsockets/detail/recycling_allocator.hpp>

#include <boost/asio/associated_allocator.hpp>

#include <memory>
#include <type_traits>
#include <utility>

namespace asio_directsockets::detail {

template <typename Alloc>
auto effective_allocator(const Alloc& a) {
  if constexpr (std::is_same_v<Alloc, std::allocator<void>>)
    return recycling_allocator<void>();
  else
    return a;
}

template <typename Handler>
auto op_allocator(const Handler& h) {
  return effective_allocator(boost::asio::get_associated_allocator(h));
}

// Owns a freshly allocated operation until release(); frees it on unwinding.
template <typename Op, typename Alloc>
class op_ptr {
 public:
  using alloc_type = typename std::allocator_traits<Alloc>::template rebind_alloc<Op>;

  template <typename... Args>
  static Op* make(const Alloc& a, Args&&... args) {
    alloc_type alloc(a);
    Op* mem = std::allocator_traits<alloc_type>::allocate(alloc, 1);
    try {
      return ::new (static_cast<void*>(mem)) Op(std::forward<Args>(args)...);
    } catch (...) {
      std::allocator_traits<alloc_type>::deallocate(alloc, mem, 1);
      throw;
    }
  }

  // Destroys and frees op; the caller moved out what it still needs.
  static void destroy(const Alloc& a, Op* op) {
    alloc_type alloc(a);
    op->~Op();
    std::allocator_traits<alloc_type>::deallocate(alloc, op, 1);
  }
};

}  // namespace asio_directsockets::detail
