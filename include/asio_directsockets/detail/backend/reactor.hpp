// Picks the backend reactor at compile time: natively the poll(2) reactor; in
// a browser build the browser reactor, which is the poll reactor (timers,
// plain fds) plus Direct Sockets completions and the browser's event loop.
// See docs/architecture.md.
#pragma once

#if defined(__EMSCRIPTEN__)
#include <asio_directsockets/detail/backend/direct_sockets/browser_reactor.hpp>
#else
#include <asio_directsockets/detail/backend/poll/poll_reactor.hpp>
#endif

namespace asio_directsockets::detail::backend {
#if defined(__EMSCRIPTEN__)
using reactor = ds::browser_reactor;
#else
using reactor = poll_reactor;
#endif
}  // namespace asio_directsockets::detail::backend
