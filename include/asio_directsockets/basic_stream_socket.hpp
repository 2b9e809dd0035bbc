// A connected byte stream (Asio's basic_stream_socket): the AsyncReadStream /
// AsyncWriteStream that async_read, async_write and Beast build on.
#pragma once

#include <asio_directsockets/basic_socket.hpp>

#include <boost/asio/buffer.hpp>

namespace asio_directsockets {

template <typename Protocol, typename Executor = boost::asio::any_io_executor>
class basic_stream_socket : public basic_socket<Protocol, Executor> {
  using base = basic_socket<Protocol, Executor>;
  using op_types = detail::backend::poll_reactor;

 public:
  using typename base::endpoint_type;
  using typename base::executor_type;
  using typename base::native_handle_type;
  using typename base::protocol_type;
  using message_flags = typename base::message_flags;
  template <typename Executor1>
  struct rebind_executor {
    using other = basic_stream_socket<Protocol, Executor1>;
  };

  using base::base;
  basic_stream_socket(basic_stream_socket&&) noexcept = default;
  basic_stream_socket& operator=(basic_stream_socket&&) noexcept = default;
  template <typename Executor1,
            std::enable_if_t<std::is_convertible_v<Executor1, Executor>, int> = 0>
  basic_stream_socket(basic_stream_socket<Protocol, Executor1>&& other) : base(std::move(other)) {}

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
    std::size_t n = 0;
    this->impl_.sync_loop(detail::socket_ops::wait_kind::write, ec, [&] {
      detail::backend::const_iov<ConstBufferSequence> b(buffers);
      return detail::socket_ops::send(this->impl_.native_handle(), b.iov, b.count, flags,
                                      b.all_empty(), ec, n);
    });
    return n;
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
    std::size_t n = 0;
    this->impl_.sync_loop(detail::socket_ops::wait_kind::read, ec, [&] {
      detail::backend::mutable_iov<MutableBufferSequence> b(buffers);
      return detail::socket_ops::recv(this->impl_.native_handle(), b.iov, b.count, flags, true,
                                      b.all_empty(), ec, n);
    });
    return n;
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
            typename WriteToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_send(const ConstBufferSequence& buffers,
                  WriteToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return async_send(buffers, 0, std::forward<WriteToken>(token));
  }
  template <typename ConstBufferSequence,
            typename WriteToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_send(const ConstBufferSequence& buffers, message_flags flags,
                  WriteToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return boost::asio::async_initiate<WriteToken, void(boost::system::error_code, std::size_t)>(
        initiate_async_send(this), token, buffers, flags);
  }
  template <typename MutableBufferSequence,
            typename ReadToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_receive(const MutableBufferSequence& buffers,
                     ReadToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return async_receive(buffers, 0, std::forward<ReadToken>(token));
  }
  template <typename MutableBufferSequence,
            typename ReadToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_receive(const MutableBufferSequence& buffers, message_flags flags,
                     ReadToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return boost::asio::async_initiate<ReadToken, void(boost::system::error_code, std::size_t)>(
        initiate_async_receive(this), token, buffers, flags);
  }
  template <typename ConstBufferSequence,
            typename WriteToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_write_some(
      const ConstBufferSequence& buffers,
      WriteToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return async_send(buffers, 0, std::forward<WriteToken>(token));
  }
  template <typename MutableBufferSequence,
            typename ReadToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_read_some(
      const MutableBufferSequence& buffers,
      ReadToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return async_receive(buffers, 0, std::forward<ReadToken>(token));
  }

 private:
  class initiate_async_send {
   public:
    using executor_type = Executor;
    explicit initiate_async_send(basic_stream_socket* self) : self_(self) {}
    executor_type get_executor() const noexcept { return self_->executor_; }

    template <typename Handler, typename ConstBufferSequence>
    void operator()(Handler&& handler, const ConstBufferSequence& buffers,
                    message_flags flags) const {
      using op = detail::io_op<detail::backend::write_op_base<ConstBufferSequence>,
                               std::decay_t<Handler>, Executor>;
      auto& impl = self_->impl_;
      op* p = op::make(std::forward<Handler>(handler), self_->executor_, impl.native_handle(),
                       buffers, flags, true, true);
      impl.start_op(op_types::write_op, p, true);
    }

   private:
    basic_stream_socket* self_;
  };

  class initiate_async_receive {
   public:
    using executor_type = Executor;
    explicit initiate_async_receive(basic_stream_socket* self) : self_(self) {}
    executor_type get_executor() const noexcept { return self_->executor_; }

    template <typename Handler, typename MutableBufferSequence>
    void operator()(Handler&& handler, const MutableBufferSequence& buffers,
                    message_flags flags) const {
      using op = detail::io_op<detail::backend::read_op_base<MutableBufferSequence>,
                               std::decay_t<Handler>, Executor>;
      auto& impl = self_->impl_;
      op* p = op::make(std::forward<Handler>(handler), self_->executor_, impl.native_handle(),
                       buffers, flags, true, true);
      impl.start_op((flags & base::message_out_of_band) ? op_types::except_op : op_types::read_op,
                    p, (flags & base::message_out_of_band) == 0);
    }

   private:
    basic_stream_socket* self_;
  };
};

}  // namespace asio_directsockets
