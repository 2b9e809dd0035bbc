// Which of Boost.Asio's protocols and clocks this library takes over. For
// these, Boost.Asio's own I/O object templates are specialised (the other
// headers of adopted/) so that boost::asio::ip::tcp::socket, Beast's
// tcp_stream and every algorithm written against Boost's types run on this
// library's objects. Any other protocol or clock stays Boost's.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/wait_traits.hpp>

#include <chrono>
#include <concepts>

namespace asio_directsockets::adopted {

template <typename Protocol>
concept internet_protocol =
    std::same_as<Protocol, boost::asio::ip::tcp> || std::same_as<Protocol, boost::asio::ip::udp>;

// high_resolution_clock is an alias of one of these in libstdc++ and libc++.
template <typename Clock>
concept clock = std::same_as<Clock, std::chrono::steady_clock> ||
    std::same_as<Clock, std::chrono::system_clock>;

}  // namespace asio_directsockets::adopted
