// A datagram socket (Asio's basic_datagram_socket): send_to/receive_from on
// any socket, send/receive once connected. A datagram larger than the buffer
// is truncated and reported as success with the bytes that fit, as Boost.Asio
// does on Linux.
//
// The body of boost::asio::basic_datagram_socket<ip::udp, Executor> (see
// adopted/basic_datagram_socket.hpp), deriving from the specialised
// boost::asio::basic_socket.
#pragma once

#include <asio_directsockets/objects/socket_object.hpp>

#include <boost/asio/basic_socket.hpp>
#include <boost/asio/buffer.hpp>

namespace asio_directsockets::objects {

template <typename Protocol, typename Executor>
class datagram_socket_object : public boost::asio::basic_socket<Protocol, Executor> {
  using base = boost::asio::basic_socket<Protocol, Executor>;
  using service = detail::socket_service;

 public:
  using typename base::endpoint_type;
  using typename base::executor_type;
  using typename base::native_handle_type;
  using typename base::protocol_type;
  using message_flags = typename base::message_flags;

  using base::base;
  datagram_socket_object(datagram_socket_object&&) noexcept = default;
  datagram_socket_object& operator=(datagram_socket_object&&) noexcept = default;
  template <typename Protocol1, typename Executor1>
  requires std::is_convertible_v<Protocol1, Protocol> && std::is_convertible_v<Executor1, Executor>
  datagram_socket_object(datagram_socket_object<Protocol1, Executor1>&& other)
      : base(std::move(other)) {}

  // --- synchronous ------------------------------------------------------
  template <typename ConstBufferSequence>
  std::size_t send(const ConstBufferSequence& buffers, message_flags flags = 0) {
    boost::system::error_code ec;
    std::size_t n = send(buffers, flags, ec);
    detail::throw_error(ec, "send");
    return n;
  }
  template <typename ConstBufferSequence>
  std::size_t send(const ConstBufferSequence& buffers, message_flags flags,
                   boost::system::error_code& ec) {
    return service::send(this->impl_, buffers, flags, false, ec);
  }
  template <typename ConstBufferSequence>
  std::size_t send_to(const ConstBufferSequence& buffers, const endpoint_type& destination,
                      message_flags flags = 0) {
    boost::system::error_code ec;
    std::size_t n = send_to(buffers, destination, flags, ec);
    detail::throw_error(ec, "send_to");
    return n;
  }
  template <typename ConstBufferSequence>
  std::size_t send_to(const ConstBufferSequence& buffers, const endpoint_type& destination,
                      message_flags flags, boost::system::error_code& ec) {
    return service::send_to(this->impl_, buffers, destination, flags, ec);
  }
  template <typename MutableBufferSequence>
  std::size_t receive(const MutableBufferSequence& buffers, message_flags flags = 0) {
    boost::system::error_code ec;
    std::size_t n = receive(buffers, flags, ec);
    detail::throw_error(ec, "receive");
    return n;
  }
  template <typename MutableBufferSequence>
  std::size_t receive(const MutableBufferSequence& buffers, message_flags flags,
                      boost::system::error_code& ec) {
    return service::receive(this->impl_, buffers, flags, false, ec);
  }
  template <typename MutableBufferSequence>
  std::size_t receive_from(const MutableBufferSequence& buffers, endpoint_type& sender,
                           message_flags flags = 0) {
    boost::system::error_code ec;
    std::size_t n = receive_from(buffers, sender, flags, ec);
    detail::throw_error(ec, "receive_from");
    return n;
  }
  template <typename MutableBufferSequence>
  std::size_t receive_from(const MutableBufferSequence& buffers, endpoint_type& sender,
                           message_flags flags, boost::system::error_code& ec) {
    return service::receive_from(this->impl_, buffers, sender, flags, ec);
  }

  // --- asynchronous -----------------------------------------------------
  template <typename ConstBufferSequence,
            BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code, std::size_t))
                WriteToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_send(const ConstBufferSequence& buffers,
                  WriteToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return async_send(buffers, 0, std::forward<WriteToken>(token));
  }
  template <typename ConstBufferSequence,
            BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code, std::size_t))
                WriteToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_send(const ConstBufferSequence& buffers, message_flags flags,
                  WriteToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return boost::asio::async_initiate<WriteToken, void(boost::system::error_code, std::size_t)>(
        initiate_async_send(this), token, buffers, flags);
  }
  template <typename ConstBufferSequence,
            BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code, std::size_t))
                WriteToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_send_to(
      const ConstBufferSequence& buffers, const endpoint_type& destination,
      WriteToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return async_send_to(buffers, destination, 0, std::forward<WriteToken>(token));
  }
  template <typename ConstBufferSequence,
            BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code, std::size_t))
                WriteToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_send_to(
      const ConstBufferSequence& buffers, const endpoint_type& destination, message_flags flags,
      WriteToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return boost::asio::async_initiate<WriteToken, void(boost::system::error_code, std::size_t)>(
        initiate_async_send_to(this), token, buffers, destination, flags);
  }
  template <typename MutableBufferSequence,
            BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code, std::size_t))
                ReadToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_receive(const MutableBufferSequence& buffers,
                     ReadToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return async_receive(buffers, 0, std::forward<ReadToken>(token));
  }
  template <typename MutableBufferSequence,
            BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code, std::size_t))
                ReadToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_receive(const MutableBufferSequence& buffers, message_flags flags,
                     ReadToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return boost::asio::async_initiate<ReadToken, void(boost::system::error_code, std::size_t)>(
        initiate_async_receive(this), token, buffers, flags);
  }
  template <typename MutableBufferSequence,
            BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code, std::size_t))
                ReadToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_receive_from(
      const MutableBufferSequence& buffers, endpoint_type& sender,
      ReadToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return async_receive_from(buffers, sender, 0, std::forward<ReadToken>(token));
  }
  template <typename MutableBufferSequence,
            BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code, std::size_t))
                ReadToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_receive_from(
      const MutableBufferSequence& buffers, endpoint_type& sender, message_flags flags,
      ReadToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return boost::asio::async_initiate<ReadToken, void(boost::system::error_code, std::size_t)>(
        initiate_async_receive_from(this), token, buffers, &sender, flags);
  }

 private:
  class initiate_async_send {
   public:
    using executor_type = Executor;
    explicit initiate_async_send(datagram_socket_object* self) : self_(self) {}
    executor_type get_executor() const noexcept { return self_->executor_; }
    template <typename Handler, typename ConstBufferSequence>
    void operator()(Handler&& handler, const ConstBufferSequence& buffers,
                    message_flags flags) const {
      service::async_send(self_->impl_, buffers, flags, false, std::forward<Handler>(handler),
                          self_->executor_);
    }

   private:
    datagram_socket_object* self_;
  };

  class initiate_async_send_to {
   public:
    using executor_type = Executor;
    explicit initiate_async_send_to(datagram_socket_object* self) : self_(self) {}
    executor_type get_executor() const noexcept { return self_->executor_; }
    template <typename Handler, typename ConstBufferSequence>
    void operator()(Handler&& handler, const ConstBufferSequence& buffers,
                    const endpoint_type& destination, message_flags flags) const {
      service::async_send_to(self_->impl_, buffers, destination, flags,
                             std::forward<Handler>(handler), self_->executor_);
    }

   private:
    datagram_socket_object* self_;
  };

  class initiate_async_receive {
   public:
    using executor_type = Executor;
    explicit initiate_async_receive(datagram_socket_object* self) : self_(self) {}
    executor_type get_executor() const noexcept { return self_->executor_; }
    template <typename Handler, typename MutableBufferSequence>
    void operator()(Handler&& handler, const MutableBufferSequence& buffers,
                    message_flags flags) const {
      service::async_receive(self_->impl_, buffers, flags, false, std::forward<Handler>(handler),
                             self_->executor_);
    }

   private:
    datagram_socket_object* self_;
  };

  class initiate_async_receive_from {
   public:
    using executor_type = Executor;
    explicit initiate_async_receive_from(datagram_socket_object* self) : self_(self) {}
    executor_type get_executor() const noexcept { return self_->executor_; }
    template <typename Handler, typename MutableBufferSequence>
    void operator()(Handler&& handler, const MutableBufferSequence& buffers, endpoint_type* sender,
                    message_flags flags) const {
      service::async_receive_from(self_->impl_, buffers, *sender, flags,
                                  std::forward<Handler>(handler), self_->executor_);
    }

   private:
    datagram_socket_object* self_;
  };
};

}  // namespace asio_directsockets::objects
