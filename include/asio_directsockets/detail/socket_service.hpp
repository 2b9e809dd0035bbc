// Picks the socket service the I/O objects use, as Boost.Asio picks its
// reactive, IOCP or io_uring services: the poll backend's natively, the
// Direct Sockets backend's in a browser build (docs/architecture.md). Plain
// fds (posix::stream_descriptor) use the poll backend in both.
#pragma once

#if defined(__EMSCRIPTEN__)
#include <asio_directsockets/detail/backend/direct_sockets/socket_service.hpp>
#else
#include <asio_directsockets/detail/backend/poll/socket_service.hpp>
#endif

namespace asio_directsockets::detail {
#if defined(__EMSCRIPTEN__)
using socket_service = ds::socket_service;
#else
using socket_service = backend::socket_service;
#endif
}  // namespace asio_directsockets::detail
