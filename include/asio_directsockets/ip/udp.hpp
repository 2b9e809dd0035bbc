// ip::udp as this library spells it (see ip/tcp.hpp).
#pragma once

#include <asio_directsockets/basic_datagram_socket.hpp>
#include <asio_directsockets/basic_resolver.hpp>

#include <boost/asio/ip/udp.hpp>

namespace asio_directsockets::ip {

class udp {
 public:
  using protocol_type = boost::asio::ip::udp;
  using endpoint = boost::asio::ip::udp::endpoint;
  using socket = basic_datagram_socket<boost::asio::ip::udp>;
  using resolver = basic_resolver<boost::asio::ip::udp>;

  static protocol_type v4() noexcept { return protocol_type::v4(); }
  static protocol_type v6() noexcept { return protocol_type::v6(); }

  udp() = delete;
};

}  // namespace asio_directsockets::ip
