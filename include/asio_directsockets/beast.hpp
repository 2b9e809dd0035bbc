// Beast glue: the teardown/async_teardown/beast_close_socket overloads that
// boost::beast::websocket::stream finds by argument-dependent lookup, for
// this library's sockets (Beast ships them only for Boost.Asio's own).
#pragma once

#include <asio_directsockets/basic_stream_socket.hpp>

#include <boost/asio/compose.hpp>
#include <boost/beast/core/role.hpp>

#include <array>
#include <memory>

namespace asio_directsockets {

template <typename Protocol, typename Executor>
void beast_close_socket(basic_socket<Protocol, Executor>& s) {
  boost::system::error_code ignored;
  s.close(ignored);
}

// As Beast does for Boost.Asio: send FIN, read to EOF, close. In a browser
// there is no half-close (Chromium sends no FIN), so waiting for the peer's
// EOF could wait forever: close() there, which still delivers every byte
// written (docs/browser.md).
template <typename Protocol, typename Executor>
void teardown(boost::beast::role_type, basic_stream_socket<Protocol, Executor>& s,
              boost::system::error_code& ec) {
  ec.clear();
#if !defined(__EMSCRIPTEN__)
  s.shutdown(socket_base::shutdown_send, ec);
  std::array<char, 512> buf;
  while (!ec)
    s.read_some(boost::asio::buffer(buf), ec);
  if (ec == boost::asio::error::eof) ec.clear();
#endif
  boost::system::error_code ignored;
  s.close(ignored);
}

template <typename Protocol, typename Executor, typename TeardownHandler>
void async_teardown(boost::beast::role_type, basic_stream_socket<Protocol, Executor>& s,
                    TeardownHandler&& handler) {
  boost::asio::async_compose<TeardownHandler, void(boost::system::error_code)>(
      [&s, buf = std::make_unique<std::array<char, 512>>(), started = false](
          auto& self, boost::system::error_code ec = {}, std::size_t = 0) mutable {
        const bool browser =
#if defined(__EMSCRIPTEN__)
            true;
#else
            false;
#endif
        if (!started) {
          started = true;
          if (!browser) {
            s.shutdown(socket_base::shutdown_send, ec);  // a failure shows in the read
            return s.async_read_some(boost::asio::buffer(*buf), std::move(self));
          }
          ec = {};
        } else if (!ec) {
          return s.async_read_some(boost::asio::buffer(*buf), std::move(self));
        }
        if (ec == boost::asio::error::eof) ec = {};
        boost::system::error_code ignored;
        s.close(ignored);
        // Never complete inside the initiating call.
        if (!browser) return self.complete(ec);
        boost::asio::post(s.get_executor(),
                          [self = std::move(self), ec]() mutable { self.complete(ec); });
      },
      handler, s);
}

}  // namespace asio_directsockets
