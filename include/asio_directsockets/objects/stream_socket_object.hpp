// A connected byte stream (Asio's basic_stream_socket): the AsyncReadStream /
// AsyncWriteStream that async_read, async_write and Beast build on.
//
// The body of boost::asio::basic_stream_socket<ip::tcp, Executor> (see
// adopted/basic_stream_socket.hpp). It derives from
// boost::asio::basic_socket<Protocol, Executor>, itself specialised onto
// socket_object, so Boost's own algorithms that take a basic_socket&
// (async_connect, Beast's basic_stream) accept it.
#pragma once

#include <asio_directsockets/objects/socket_object.hpp>

#include <boost/asio/basic_socket.hpp>
#include <boost/asio/buffer.hpp>

namespace asio_directsockets::objects {

template <typename Protocol, typename Executor>
class stream_socket_object : public boost::asio::basic_socket<Protocol, Executor> {
  using base = boost::asio::basic_socket<Protocol, Executor>;
  using service = detail::socket_service;

 public:
  using typename base::endpoint_type;
  using typename base::executor_type;
  using typename base::native_handle_type;
  using typename base::protocol_type;
  using message_flags = typename base::message_flags;

  using base::base;
  stream_socket_object(stream_socket_object&&) noexcept = default;
  stream_socket_object& operator=(stream_socket_object&&) noexcept = default;
  template <typename Protocol1, typename Executor1>
  requires std::is_convertible_v<Protocol1, Protocol> && std::is_convertible_v<Executor1, Executor>
  stream_socket_object(stream_socket_object<Protocol1, Executor1>&& other)
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
    return service::send(this->impl_, buffers, flags, true, ec);
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
    return service::receive(this->impl_, buffers, flags, true, ec);
  }
  template <typename ConstBufferSequence>
  std::size_t write_some(const ConstBufferSequence& buffers) {
    return send(buffers, 0);
  }
  template <typename ConstBufferSequence>
  std::size_t write_some(const ConstBufferSequence& buffers, boost::system::error_code& ec) {
    return send(buffers, 0, ec);
  }
  template <typename MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers) {
    return receive(buffers, 0);
  }
  template <typename MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers, boost::system::error_code& ec) {
    return receive(buffers, 0, ec);
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
  template <typename ConstBufferSequence,
            BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code, std::size_t))
                WriteToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_write_some(
      const ConstBufferSequence& buffers,
      WriteToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return async_send(buffers, 0, std::forward<WriteToken>(token));
  }
  template <typename MutableBufferSequence,
            BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code, std::size_t))
                ReadToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_read_some(
      const MutableBufferSequence& buffers,
      ReadToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return async_receive(buffers, 0, std::forward<ReadToken>(token));
  }

 private:
  class initiate_async_send {
   public:
    using executor_type = Executor;
    explicit initiate_async_send(stream_socket_object* self) : self_(self) {}
    executor_type get_executor() const noexcept { return self_->executor_; }

    template <typename Handler, typename ConstBufferSequence>
    void operator()(Handler&& handler, const ConstBufferSequence& buffers,
                    message_flags flags) const {
      service::async_send(self_->impl_, buffers, flags, true, std::forward<Handler>(handler),
                          self_->executor_);
    }

   private:
    stream_socket_object* self_;
  };

  class initiate_async_receive {
   public:
    using executor_type = Executor;
    explicit initiate_async_receive(stream_socket_object* self) : self_(self) {}
    executor_type get_executor() const noexcept { return self_->executor_; }

    template <typename Handler, typename MutableBufferSequence>
    void operator()(Handler&& handler, const MutableBufferSequence& buffers,
                    message_flags flags) const {
      service::async_receive(self_->impl_, buffers, flags, true, std::forward<Handler>(handler),
                             self_->executor_);
    }

   private:
    stream_socket_object* self_;
  };
};

}  // namespace asio_directsockets::objects
