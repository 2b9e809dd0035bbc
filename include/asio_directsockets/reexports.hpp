// The drop-in rule: everything of boost::asio is reachable as
// asio_directsockets::X (free functions such as async_read and async_connect,
// buffers, completion tokens, co_spawn, strands, error codes, ip::tcp and its
// socket/acceptor/resolver, steady_timer, posix::stream_descriptor...).
// io_context is declared here too, as an alias of boost::asio::io_context,
// which is this library's (io_context.hpp). Boost's TCP/UDP/timer/descriptor
// templates are ours by specialisation (adopted/).
#pragma once

#include <boost/asio.hpp>

namespace asio_directsockets {
using namespace boost::asio;
}  // namespace asio_directsockets
