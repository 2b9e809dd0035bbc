// boost::asio::basic_socket<P, Executor> for P = ip::tcp, ip::udp and the generic stream and
// datagram protocols (adopted/protocols.hpp): this library's
// socket_object under Boost's own name, so Boost's algorithms that take a
// basic_socket& (connect, async_connect, Beast's basic_stream) accept it.
#pragma once

#include <asio_directsockets/adopted/protocols.hpp>
#include <asio_directsockets/objects/socket_object.hpp>

#include <boost/asio/basic_socket.hpp>

#include <type_traits>
#include <utility>

namespace boost::asio {

template <typename Protocol, typename Executor>
requires asio_directsockets::adopted::socket_protocol<Protocol>
class basic_socket<Protocol, Executor>
    : public asio_directsockets::objects::socket_object<Protocol, Executor> {
  using body = asio_directsockets::objects::socket_object<Protocol, Executor>;

 public:
  template <typename Executor1>
  struct rebind_executor {
    using other = basic_socket<Protocol, Executor1>;
  };

  using body::body;
  basic_socket(basic_socket&&) noexcept = default;
  basic_socket& operator=(basic_socket&&) noexcept = default;
  template <typename Protocol1, typename Executor1>
  requires asio_directsockets::adopted::movable_into<Protocol1, Executor1, Protocol, Executor>
  basic_socket(basic_socket<Protocol1, Executor1>&& other) : body(std::move(other)) {}

 protected:
  ~basic_socket() = default;
};

}  // namespace boost::asio
