// boost::asio::basic_stream_socket<P, Executor>, i.e. boost::asio::ip::tcp::socket and
// generic::stream_protocol::socket: this library's stream_socket_object.
#pragma once

#include <asio_directsockets/adopted/basic_socket.hpp>
#include <asio_directsockets/objects/stream_socket_object.hpp>

#include <boost/asio/basic_stream_socket.hpp>

#include <type_traits>
#include <utility>

namespace boost::asio {

template <typename Protocol, typename Executor>
requires asio_directsockets::adopted::stream_protocol<Protocol>
class basic_stream_socket<Protocol, Executor>
    : public asio_directsockets::objects::stream_socket_object<Protocol, Executor> {
  using body = asio_directsockets::objects::stream_socket_object<Protocol, Executor>;

 public:
  template <typename Executor1>
  struct rebind_executor {
    using other = basic_stream_socket<Protocol, Executor1>;
  };

  using body::body;
  basic_stream_socket(basic_stream_socket&&) noexcept = default;
  basic_stream_socket& operator=(basic_stream_socket&&) noexcept = default;
  template <typename Protocol1, typename Executor1>
  requires asio_directsockets::adopted::movable_into<Protocol1, Executor1, Protocol, Executor>
  basic_stream_socket(basic_stream_socket<Protocol1, Executor1>&& other) : body(std::move(other)) {}
};

}  // namespace boost::asio
