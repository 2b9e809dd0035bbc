// The drop-in rule: everything of boost::asio that is not an I/O object or an
// execution context (free functions such as async_read, buffers, completion
// tokens, co_spawn, strands, error codes, socket_base...) is reachable as
// asio_directsockets::X. Names this library declares itself (io_context,
// ip::tcp, steady_timer, async_connect...) take precedence in qualified
// lookup, so `namespace net = asio_directsockets;` picks ours where it matters.
#pragma once

#include <boost/asio.hpp>

namespace asio_directsockets {
using namespace boost::asio;
namespace ip {
using namespace boost::asio::ip;
}
namespace posix {
using namespace boost::asio::posix;
}
}  // namespace asio_directsockets
