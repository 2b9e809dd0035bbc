// boost::asio::basic_socket_acceptor<ip::tcp, Executor>, i.e.
// boost::asio::ip::tcp::acceptor: this library's acceptor_object.
#pragma once

#include <asio_directsockets/adopted/basic_stream_socket.hpp>
#include <asio_directsockets/objects/acceptor_object.hpp>

#include <boost/asio/basic_socket_acceptor.hpp>

#include <type_traits>
#include <utility>

namespace boost::asio {

template <typename Protocol, typename Executor>
requires asio_directsockets::adopted::stream_protocol<Protocol>
class basic_socket_acceptor<Protocol, Executor>
    : public asio_directsockets::objects::acceptor_object<Protocol, Executor> {
  using body = asio_directsockets::objects::acceptor_object<Protocol, Executor>;

 public:
  template <typename Executor1>
  struct rebind_executor {
    using other = basic_socket_acceptor<Protocol, Executor1>;
  };

  using body::body;
  basic_socket_acceptor(basic_socket_acceptor&&) noexcept = default;
  basic_socket_acceptor& operator=(basic_socket_acceptor&&) noexcept = default;
  template <typename Executor1,
            std::enable_if_t<std::is_convertible_v<Executor1, Executor>, int> = 0>
  basic_socket_acceptor(basic_socket_acceptor<Protocol, Executor1>&& other)
      : body(std::move(other)) {}
};

}  // namespace boost::asio
