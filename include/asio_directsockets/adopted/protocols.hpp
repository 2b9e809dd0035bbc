// Which of Boost.Asio's protocols, clocks and time traits this library takes over. For
// these, Boost.Asio's own I/O object templates are specialised (the other
// headers of adopted/) so that boost::asio::ip::tcp::socket, Beast's
// tcp_stream and every algorithm written against Boost's types run on this
// library's objects. Any other protocol or clock stays Boost's.
#pragma once

#include <boost/asio/generic/datagram_protocol.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/wait_traits.hpp>

#include <chrono>
#include <concepts>
#include <type_traits>

namespace asio_directsockets::adopted {

template <typename Protocol>
concept internet_protocol =
    std::same_as<Protocol, boost::asio::ip::tcp> || std::same_as<Protocol, boost::asio::ip::udp>;

// The socket protocols whose sockets (and acceptors) are this library's: TCP and UDP, and the
// generic stream and datagram protocols, so that an ip::tcp::socket moves into a
// generic::stream_protocol::socket as in Asio. Generic sockets of other families (AF_UNIX) run
// on the poll backend natively; in the browser only IPv4 and IPv6 addresses work.
template <typename Protocol>
concept stream_protocol = std::same_as<Protocol, boost::asio::ip::tcp> ||
    std::same_as<Protocol, boost::asio::generic::stream_protocol>;
template <typename Protocol>
concept datagram_protocol = std::same_as<Protocol, boost::asio::ip::udp> ||
    std::same_as<Protocol, boost::asio::generic::datagram_protocol>;
template <typename Protocol>
concept socket_protocol = stream_protocol<Protocol> || datagram_protocol<Protocol>;

// Whether a socket of Protocol1 on Executor1 may be moved into one of Protocol on Executor
// (Asio's converting move: tcp into generic::stream_protocol, any executor convertible).
template <typename Protocol1, typename Executor1, typename Protocol, typename Executor>
concept movable_into =
    std::is_convertible_v<Protocol1, Protocol> && std::is_convertible_v<Executor1, Executor>;

// Every clock: the standard ones (high_resolution_clock is an alias of one of
// them in libstdc++ and libc++) and user-defined clocks with their own wait
// traits, as in Asio's time_t_timer example. Boost's own timer service would
// need a thread of its own, which the browser build does not have.
template <typename Clock>
concept clock = requires {
  typename Clock::duration;
  typename Clock::time_point;
  { Clock::now() } -> std::convertible_to<typename Clock::time_point>;
};

// TimeTraits of a deadline timer, as Boost.Asio's time_traits<posix_time::ptime>:
// to_posix_duration() gives a posix_time::time_duration.
template <typename Traits>
concept time_traits = requires(const typename Traits::time_type& t,
                               const typename Traits::duration_type& d) {
  { Traits::now() } -> std::convertible_to<typename Traits::time_type>;
  { Traits::add(t, d) } -> std::convertible_to<typename Traits::time_type>;
  { Traits::subtract(t, t) } -> std::convertible_to<typename Traits::duration_type>;
  { Traits::less_than(t, t) } -> std::convertible_to<bool>;
  Traits::to_posix_duration(d).is_special();
  Traits::to_posix_duration(d).total_microseconds();
};

}  // namespace asio_directsockets::adopted
