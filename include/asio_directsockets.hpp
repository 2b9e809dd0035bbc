// asio_directsockets: Boost.Asio networking on Chrome's Direct Sockets API in
// WebAssembly, and on a poll(2) reactor natively. Write
// `namespace net = asio_directsockets;` instead of `namespace net = boost::asio;`.
//
// Linking the CMake target asio_directsockets::asio_directsockets force-
// includes this header into every C++ translation unit (-include), so an
// unchanged program needs no #include edit, and the specialisations below are
// seen before any use of the types they replace.
#pragma once

// First: boost::asio::io_context is this library's (before any Boost.Asio
// header could declare Boost's own).
#include <asio_directsockets/io_context.hpp>
#include <asio_directsockets/io_context_strand.hpp>

#include <asio_directsockets/reexports.hpp>

// Boost.Asio's own TCP, UDP, timer and stream-descriptor templates,
// specialised onto this library's objects: boost::asio::ip::tcp::socket,
// Beast's tcp_stream, boost::asio::steady_timer and
// boost::asio::posix::stream_descriptor all run on its io_context.
#include <asio_directsockets/adopted/basic_datagram_socket.hpp>
#include <asio_directsockets/adopted/basic_deadline_timer.hpp>
#include <asio_directsockets/adopted/basic_resolver.hpp>
#include <asio_directsockets/adopted/basic_signal_set.hpp>
#include <asio_directsockets/adopted/basic_socket.hpp>
#include <asio_directsockets/adopted/basic_socket_acceptor.hpp>
#include <asio_directsockets/adopted/basic_stream_descriptor.hpp>
#include <asio_directsockets/adopted/basic_stream_socket.hpp>
#include <asio_directsockets/adopted/basic_waitable_timer.hpp>

// Beast's websocket::stream teardown in the browser.
#if __has_include(<boost/beast/core/role.hpp>)
#include <asio_directsockets/beast.hpp>
#endif
