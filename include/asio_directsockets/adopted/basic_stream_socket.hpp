// boost::asio::basic_stream_socket<ip::tcp, Executor>, i.e.
// boost::asio::ip::tcp::socket: this library's stream_socket_object.
#pragma once

#include <asio_directsockets/adopted/basic_socket.hpp>
#include <asio_directsockets/objects/stream_socket_object.hpp>

#include <boost/asio/basic_stream_socket.hpp>

#include <type_traits>
#include <utility>

namespace boost::asio {

template <typename Executor>
class basic_stream_socket<ip::tcp, Executor>
    : public asio_directsockets::objects::stream_socket_object<ip::tcp, Executor> {
  using body = asio_directsockets::objects::stream_socket_object<ip::tcp, Executor>;

 public:
  template <typename Executor1>
  struct rebind_executor {
    using other = basic_stream_socket<ip::tcp, Executor1>;
  };

  using body::body;
  basic_stream_socket(basic_stream_socket&&) noexcept = default;
  basic_stream_socket& operator=(basic_stream_socket&&) noexcept = default;
  template <typename Executor1,
            std::enable_if_t<std::is_convertible_v<Executor1, Executor>, int> = 0>
  basic_stream_socket(basic_stream_socket<ip::tcp, Executor1>&& other) : body(std::move(other)) {}
};

}  // namespace boost::asio
