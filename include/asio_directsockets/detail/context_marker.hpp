// execution_context is not polymorphic, so an io_context marks itself with
// this service; I/O objects then refuse executors of any other context.
#pragma once

#include <boost/asio/execution_context.hpp>

#include <stdexcept>

namespace asio_directsockets::detail {

class context_marker : public boost::asio::execution_context::service {
 public:
  using key_type = context_marker;
  static inline boost::asio::execution_context::id id;
  // Only ever created by io_context's constructor, on itself.
  explicit context_marker(boost::asio::execution_context& ctx)
      : boost::asio::execution_context::service(ctx) {}

 private:
  void shutdown() override {}
};

}  // namespace asio_directsockets::detail
