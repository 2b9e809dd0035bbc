// Beast glue for the browser build. Beast's websocket::stream tears a
// connection down with teardown()/async_teardown(), found by argument-
// dependent lookup. Natively Beast's own overloads for
// boost::asio::basic_stream_socket work unchanged on this library's socket
// (it *is* that type, see adopted/). In a browser they would hang: they send
// FIN with shutdown(send) and read until the peer's EOF, but Chromium has no
// half-close, so two browser peers would wait for each other forever. These
// more specialised overloads close at once instead; close() still delivers
// every byte written (docs/browser.md).
#pragma once

#if defined(__EMSCRIPTEN__)

#include <asio_directsockets/adopted/basic_stream_socket.hpp>

#include <boost/asio/post.hpp>
#include <boost/beast/core/role.hpp>

#include <utility>

namespace boost::asio {

template <typename Executor>
void teardown(boost::beast::role_type, basic_stream_socket<ip::tcp, Executor>& socket,
              boost::system::error_code& ec) {
  socket.close(ec);
}

// Completes through the socket's executor, never inside the call, as Beast
// requires of async_teardown.
template <typename Executor, typename TeardownHandler>
void async_teardown(boost::beast::role_type, basic_stream_socket<ip::tcp, Executor>& socket,
                    TeardownHandler&& handler) {
  boost::system::error_code ec;
  socket.close(ec);
  boost::asio::post(socket.get_executor(),
                    [h = std::forward<TeardownHandler>(handler), ec]() mutable { h(ec); });
}

}  // namespace boost::asio

#endif
