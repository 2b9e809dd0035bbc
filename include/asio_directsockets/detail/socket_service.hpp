// Picks the socket service the I/O objects use, as Boost.Asio picks its
// reactive, IOCP or io_uring services. Today both builds use the poll
// backend's service, which routes Direct Sockets pseudo-descriptors inside
// socket_ops; see docs/architecture.md.
#pragma once

#include <asio_directsockets/detail/backend/poll/socket_service.hpp>

namespace asio_directsockets::detail {
using socket_service = backend::socket_service;
}  // namespace asio_directsockets::detail
