// Finds the library's io_context behind any executor an I/O object is given
// (io_context::executor_type, any_io_executor, strands...).
#pragma once

#include <asio_directsockets/detail/context_marker.hpp>
#include <asio_directsockets/io_context.hpp>

#include <boost/asio/execution/context.hpp>
#include <boost/asio/query.hpp>

#include <stdexcept>
#include <type_traits>

namespace asio_directsockets::detail {

inline io_context& context_of(boost::asio::execution_context& ctx) {
  if (!boost::asio::has_service<context_marker>(ctx))
    throw std::invalid_argument(
        "asio_directsockets I/O objects need an executor of asio_directsockets::io_context");
  return static_cast<io_context&>(ctx);
}

template <typename Executor>
io_context& context_of(const Executor& ex) {
  auto& ctx = boost::asio::query(ex, boost::asio::execution::context);
  if constexpr (std::is_same_v<std::decay_t<decltype(ctx)>, io_context>)
    return ctx;
  else
    return context_of(static_cast<boost::asio::execution_context&>(ctx));
}

}  // namespace asio_directsockets::detail
