// asio_directsockets: Boost.Asio networking on Chrome's Direct Sockets API in
// WebAssembly, and on a poll(2) reactor natively. Include this instead of
// <boost/asio.hpp> and write `namespace net = asio_directsockets;`.
#pragma once

#include <asio_directsockets/reexports.hpp>

#include <asio_directsockets/basic_datagram_socket.hpp>
#include <asio_directsockets/basic_resolver.hpp>
#include <asio_directsockets/basic_socket_acceptor.hpp>
#include <asio_directsockets/basic_stream_socket.hpp>
#include <asio_directsockets/basic_waitable_timer.hpp>
#include <asio_directsockets/connect.hpp>
#include <asio_directsockets/io_context.hpp>
#include <asio_directsockets/ip/tcp.hpp>
#include <asio_directsockets/ip/udp.hpp>
#include <asio_directsockets/posix/basic_stream_descriptor.hpp>
#include <asio_directsockets/steady_timer.hpp>

// Beast's websocket::stream needs teardown overloads for our sockets.
#if __has_include(<boost/beast/core/role.hpp>)
#include <asio_directsockets/beast.hpp>
#endif
