// Picks the backend reactor at compile time. Natively (and for plain fds in a
// browser build) it is the poll(2) reactor; see docs/architecture.md.
#pragma once

#include <asio_directsockets/detail/backend/poll/poll_reactor.hpp>

namespace asio_directsockets::detail::backend {
using reactor = poll_reactor;
}  // namespace asio_directsockets::detail::backend
