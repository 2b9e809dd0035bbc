// boost::asio::basic_datagram_socket<P, Executor>, i.e. boost::asio::ip::udp::socket and
// generic::datagram_protocol::socket: this library's datagram_socket_object.
#pragma once

#include <asio_directsockets/adopted/basic_socket.hpp>
#include <asio_directsockets/objects/datagram_socket_object.hpp>

#include <boost/asio/basic_datagram_socket.hpp>

#include <type_traits>
#include <utility>

namespace boost::asio {

template <typename Protocol, typename Executor>
requires asio_directsockets::adopted::datagram_protocol<Protocol>
class basic_datagram_socket<Protocol, Executor>
    : public asio_directsockets::objects::datagram_socket_object<Protocol, Executor> {
  using body = asio_directsockets::objects::datagram_socket_object<Protocol, Executor>;

 public:
  template <typename Executor1>
  struct rebind_executor {
    using other = basic_datagram_socket<Protocol, Executor1>;
  };

  using body::body;
  basic_datagram_socket(basic_datagram_socket&&) noexcept = default;
  basic_datagram_socket& operator=(basic_datagram_socket&&) noexcept = default;
  template <typename Protocol1, typename Executor1>
  requires asio_directsockets::adopted::movable_into<Protocol1, Executor1, Protocol, Executor>
  basic_datagram_socket(basic_datagram_socket<Protocol1, Executor1>&& other)
      : body(std::move(other)) {}
};

}  // namespace boost::asio
