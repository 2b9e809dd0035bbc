// ip::tcp as this library spells it: the same protocol values and endpoint
// type as boost::asio::ip::tcp, with socket/acceptor/resolver bound to this
// library's I/O objects.
#pragma once

#include <asio_directsockets/basic_resolver.hpp>
#include <asio_directsockets/basic_socket_acceptor.hpp>
#include <asio_directsockets/basic_stream_socket.hpp>

#include <boost/asio/ip/tcp.hpp>

namespace asio_directsockets::ip {

class tcp {
 public:
  using protocol_type = boost::asio::ip::tcp;
  using endpoint = boost::asio::ip::tcp::endpoint;
  using socket = basic_stream_socket<boost::asio::ip::tcp>;
  using acceptor = basic_socket_acceptor<boost::asio::ip::tcp>;
  using resolver = basic_resolver<boost::asio::ip::tcp>;
  using no_delay = boost::asio::ip::tcp::no_delay;

  static protocol_type v4() noexcept { return protocol_type::v4(); }
  static protocol_type v6() noexcept { return protocol_type::v6(); }

  tcp() = delete;
};

}  // namespace asio_directsockets::ip
