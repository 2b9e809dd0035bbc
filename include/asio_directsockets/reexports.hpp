// The drop-in rule: everything of boost::asio is reachable as
// asio_directsockets::X (free functions such as async_read and async_connect,
// buffers, completion tokens, co_spawn, strands, error codes, ip::tcp and its
// socket/acceptor/resolver, steady_timer...). The few names this library
// declares itself (io_context, posix::stream_descriptor) take precedence in
// qualified lookup, so `namespace net = asio_directsockets;` picks ours where
// it matters. Boost's TCP/UDP/timer templates are ours too, by specialisation
// (adopted/).
#pragma once

#include <boost/asio.hpp>

namespace asio_directsockets {
using namespace boost::asio;
namespace posix {
using namespace boost::asio::posix;
}
}  // namespace asio_directsockets
