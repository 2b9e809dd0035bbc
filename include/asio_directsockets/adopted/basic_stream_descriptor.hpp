// boost::asio::posix::basic_stream_descriptor<Executor>, i.e.
// boost::asio::posix::stream_descriptor: this library's stream_descriptor_object
// for the executors of its io_context (plain, type-erased in any_io_executor,
// or under a strand). Unlike the sockets there is no protocol parameter to
// specialise on, so the executor types are named; a descriptor on any other
// executor (a thread_pool's) stays Boost's own.
#pragma once

#include <asio_directsockets/io_context.hpp>
#include <asio_directsockets/objects/stream_descriptor_object.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/basic_stream_descriptor.hpp>
#include <boost/asio/strand.hpp>

#include <cstdint>
#include <type_traits>
#include <utility>

namespace asio_directsockets::detail {

// The public descriptor type over Executor: the library's body plus Boost's
// rebind and move rules.
template <typename Executor>
class adopted_stream_descriptor : public objects::stream_descriptor_object<Executor> {
  using body = objects::stream_descriptor_object<Executor>;

 public:
  using body::body;
  adopted_stream_descriptor(adopted_stream_descriptor&&) noexcept = default;
  adopted_stream_descriptor& operator=(adopted_stream_descriptor&&) noexcept = default;
  template <typename Executor1,
            std::enable_if_t<std::is_convertible_v<Executor1, Executor>, int> = 0>
  adopted_stream_descriptor(objects::stream_descriptor_object<Executor1>&& other)
      : body(std::move(other)) {}
};

}  // namespace asio_directsockets::detail

namespace boost::asio::posix {

template <>
class basic_stream_descriptor<any_io_executor>
    : public ::asio_directsockets::detail::adopted_stream_descriptor<any_io_executor> {
 public:
  using adopted_stream_descriptor::adopted_stream_descriptor;
};

template <typename Allocator, std::uintptr_t Bits>
class basic_stream_descriptor<io_context::basic_executor_type<Allocator, Bits>>
    : public ::asio_directsockets::detail::adopted_stream_descriptor<
          io_context::basic_executor_type<Allocator, Bits>> {
  using adopted = ::asio_directsockets::detail::adopted_stream_descriptor<
      io_context::basic_executor_type<Allocator, Bits>>;

 public:
  using adopted::adopted;
};

template <typename Executor>
class basic_stream_descriptor<strand<Executor>>
    : public ::asio_directsockets::detail::adopted_stream_descriptor<strand<Executor>> {
  using adopted = ::asio_directsockets::detail::adopted_stream_descriptor<strand<Executor>>;

 public:
  using adopted::adopted;
};

}  // namespace boost::asio::posix
