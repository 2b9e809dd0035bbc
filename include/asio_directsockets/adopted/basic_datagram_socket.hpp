// boost::asio::basic_datagram_socket<ip::udp, Executor>, i.e.
// boost::asio::ip::udp::socket: this library's datagram_socket_object.
#pragma once

#include <asio_directsockets/adopted/basic_socket.hpp>
#include <asio_directsockets/objects/datagram_socket_object.hpp>

#include <boost/asio/basic_datagram_socket.hpp>

#include <type_traits>
#include <utility>

namespace boost::asio {

template <typename Executor>
class basic_datagram_socket<ip::udp, Executor>
    : public asio_directsockets::objects::datagram_socket_object<ip::udp, Executor> {
  using body = asio_directsockets::objects::datagram_socket_object<ip::udp, Executor>;

 public:
  template <typename Executor1>
  struct rebind_executor {
    using other = basic_datagram_socket<ip::udp, Executor1>;
  };

  using body::body;
  basic_datagram_socket(basic_datagram_socket&&) noexcept = default;
  basic_datagram_socket& operator=(basic_datagram_socket&&) noexcept = default;
  template <typename Executor1,
            std::enable_if_t<std::is_convertible_v<Executor1, Executor>, int> = 0>
  basic_datagram_socket(basic_datagram_socket<ip::udp, Executor1>&& other)
      : body(std::move(other)) {}
};

}  // namespace boost::asio
