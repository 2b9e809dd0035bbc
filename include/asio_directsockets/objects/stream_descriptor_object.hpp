// A stream-oriented POSIX file descriptor (pipe, tty, stdin) on the same loop
// as the sockets: the body of boost::asio::posix::basic_stream_descriptor,
// which adopted/stream_descriptor_object.hpp specialises to derive from it.
#pragma once

#include <asio_directsockets/detail/backend/poll/fd_impl.hpp>
#include <asio_directsockets/detail/backend/poll/reactive_ops.hpp>
#include <asio_directsockets/detail/context_of.hpp>
#include <asio_directsockets/detail/io_op.hpp>
#include <asio_directsockets/detail/throw_error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/posix/basic_stream_descriptor.hpp>
#include <boost/asio/posix/descriptor_base.hpp>

#include <sys/ioctl.h>

namespace asio_directsockets::objects {

template <typename Executor>
class stream_descriptor_object : public boost::asio::posix::descriptor_base {
  template <typename>
  friend class stream_descriptor_object;
  using op_types = detail::backend::poll_reactor;

 public:
  using executor_type = Executor;
  template <typename Executor1>
  struct rebind_executor {
    using other = boost::asio::posix::basic_stream_descriptor<Executor1>;
  };
  using native_handle_type = int;
  // The public type, of which this object is always the base.
  using lowest_layer_type = boost::asio::posix::basic_stream_descriptor<Executor>;

  explicit stream_descriptor_object(const executor_type& ex)
      : executor_(ex), impl_(detail::context_of(ex).impl()) {}
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  explicit stream_descriptor_object(ExecutionContext& ctx)
      : stream_descriptor_object(executor_type(ctx.get_executor())) {}
  stream_descriptor_object(const executor_type& ex, const native_handle_type& fd)
      : stream_descriptor_object(ex) {
    assign(fd);
  }
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  stream_descriptor_object(ExecutionContext& ctx, const native_handle_type& fd)
      : stream_descriptor_object(executor_type(ctx.get_executor()), fd) {}

  stream_descriptor_object(stream_descriptor_object&& other) noexcept
      : executor_(other.executor_), impl_(std::move(other.impl_)) {}
  stream_descriptor_object& operator=(stream_descriptor_object&& other) noexcept {
    if (this != &other) {
      executor_ = other.executor_;
      impl_ = std::move(other.impl_);
    }
    return *this;
  }
  template <typename Executor1,
            std::enable_if_t<std::is_convertible_v<Executor1, Executor>, int> = 0>
  stream_descriptor_object(stream_descriptor_object<Executor1>&& other)
      : executor_(other.executor_), impl_(std::move(other.impl_)) {}

  executor_type get_executor() noexcept { return executor_; }
  lowest_layer_type& lowest_layer() { return static_cast<lowest_layer_type&>(*this); }
  const lowest_layer_type& lowest_layer() const {
    return static_cast<const lowest_layer_type&>(*this);
  }

  void assign(const native_handle_type& fd) {
    boost::system::error_code ec;
    assign(fd, ec);
    detail::throw_error(ec, "assign");
  }
  void assign(const native_handle_type& fd, boost::system::error_code& ec) {
    impl_.assign(fd, false, ec);
  }
  bool is_open() const { return impl_.is_open(); }
  void close() {
    boost::system::error_code ec;
    close(ec);
    detail::throw_error(ec, "close");
  }
  void close(boost::system::error_code& ec) { impl_.close(ec); }
  native_handle_type native_handle() { return impl_.native_handle(); }
  native_handle_type release() {
    boost::system::error_code ignored;
    return impl_.release(ignored);
  }
  void cancel() {
    boost::system::error_code ec;
    cancel(ec);
    detail::throw_error(ec, "cancel");
  }
  void cancel(boost::system::error_code& ec) { impl_.cancel(ec); }

  template <typename IoControlCommand>
  void io_control(IoControlCommand& command) {
    boost::system::error_code ec;
    io_control(command, ec);
    detail::throw_error(ec, "io_control");
  }
  template <typename IoControlCommand>
  void io_control(IoControlCommand& command, boost::system::error_code& ec) {
    if (!is_open()) {
      ec = boost::asio::error::bad_descriptor;
      return;
    }
    if (::ioctl(impl_.native_handle(), command.name(), command.data()) != 0)
      ec = detail::socket_ops::last_error();
    else
      ec.clear();
  }

  bool non_blocking() const { return impl_.user_non_blocking(); }
  void non_blocking(bool mode) {
    boost::system::error_code ec;
    non_blocking(mode, ec);
    detail::throw_error(ec, "non_blocking");
  }
  void non_blocking(bool mode, boost::system::error_code& ec) {
    impl_.set_user_non_blocking(mode, ec);
  }
  // Always non-blocking underneath, as the library's sockets (docs/api-differences.md):
  // true is accepted, false is refused with invalid_argument.
  bool native_non_blocking() const { return is_open(); }
  void native_non_blocking(bool mode) {
    boost::system::error_code ec;
    native_non_blocking(mode, ec);
    detail::throw_error(ec, "native_non_blocking");
  }
  void native_non_blocking(bool mode, boost::system::error_code& ec) {
    if (!is_open())
      ec = boost::asio::error::bad_descriptor;
    else if (!mode)
      ec = boost::asio::error::invalid_argument;
    else
      ec.clear();
  }

  void wait(wait_type w) {
    boost::system::error_code ec;
    wait(w, ec);
    detail::throw_error(ec, "wait");
  }
  void wait(wait_type w, boost::system::error_code& ec) { impl_.wait(w, ec); }
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code))
                WaitToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_wait(wait_type w,
                  WaitToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return boost::asio::async_initiate<WaitToken, void(boost::system::error_code)>(
        initiate_async_wait(this), token, w);
  }

  template <typename ConstBufferSequence>
  std::size_t write_some(const ConstBufferSequence& buffers) {
    boost::system::error_code ec;
    std::size_t n = write_some(buffers, ec);
    detail::throw_error(ec, "write_some");
    return n;
  }
  template <typename ConstBufferSequence>
  std::size_t write_some(const ConstBufferSequence& buffers, boost::system::error_code& ec) {
    std::size_t n = 0;
    impl_.sync_loop(detail::socket_ops::wait_kind::write, ec, [&] {
      detail::backend::const_iov<ConstBufferSequence> b(buffers);
      return detail::socket_ops::write(impl_.native_handle(), b.iov, b.count, b.all_empty(), ec, n);
    });
    return n;
  }
  template <typename MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers) {
    boost::system::error_code ec;
    std::size_t n = read_some(buffers, ec);
    detail::throw_error(ec, "read_some");
    return n;
  }
  template <typename MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers, boost::system::error_code& ec) {
    std::size_t n = 0;
    impl_.sync_loop(detail::socket_ops::wait_kind::read, ec, [&] {
      detail::backend::mutable_iov<MutableBufferSequence> b(buffers);
      return detail::socket_ops::read(impl_.native_handle(), b.iov, b.count, b.all_empty(), ec, n);
    });
    return n;
  }

  template <typename ConstBufferSequence,
            BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code, std::size_t))
                WriteToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_write_some(
      const ConstBufferSequence& buffers,
      WriteToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return boost::asio::async_initiate<WriteToken, void(boost::system::error_code, std::size_t)>(
        initiate_async_write_some(this), token, buffers);
  }
  template <typename MutableBufferSequence,
            BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code, std::size_t))
                ReadToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_read_some(
      const MutableBufferSequence& buffers,
      ReadToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return boost::asio::async_initiate<ReadToken, void(boost::system::error_code, std::size_t)>(
        initiate_async_read_some(this), token, buffers);
  }

 private:
  class initiate_async_write_some {
   public:
    using executor_type = Executor;
    explicit initiate_async_write_some(stream_descriptor_object* self) : self_(self) {}
    executor_type get_executor() const noexcept { return self_->executor_; }
    template <typename Handler, typename ConstBufferSequence>
    void operator()(Handler&& handler, const ConstBufferSequence& buffers) const {
      using op = detail::io_op<detail::backend::write_op_base<ConstBufferSequence>,
                               std::decay_t<Handler>, Executor>;
      auto& impl = self_->impl_;
      op* p = op::make(std::forward<Handler>(handler), self_->executor_, impl.native_handle(),
                       buffers, 0, true, false);
      impl.start_op(op_types::write_op, p, true);
    }

   private:
    stream_descriptor_object* self_;
  };

  class initiate_async_read_some {
   public:
    using executor_type = Executor;
    explicit initiate_async_read_some(stream_descriptor_object* self) : self_(self) {}
    executor_type get_executor() const noexcept { return self_->executor_; }
    template <typename Handler, typename MutableBufferSequence>
    void operator()(Handler&& handler, const MutableBufferSequence& buffers) const {
      using op = detail::io_op<detail::backend::read_op_base<MutableBufferSequence>,
                               std::decay_t<Handler>, Executor>;
      auto& impl = self_->impl_;
      op* p = op::make(std::forward<Handler>(handler), self_->executor_, impl.native_handle(),
                       buffers, 0, true, false);
      impl.start_op(op_types::read_op, p, true);
    }

   private:
    stream_descriptor_object* self_;
  };

  class initiate_async_wait {
   public:
    using executor_type = Executor;
    explicit initiate_async_wait(stream_descriptor_object* self) : self_(self) {}
    executor_type get_executor() const noexcept { return self_->executor_; }
    template <typename Handler>
    void operator()(Handler&& handler, wait_type w) const {
      using op = detail::io_op<detail::backend::wait_op_base, std::decay_t<Handler>, Executor>;
      op* p = op::make(std::forward<Handler>(handler), self_->executor_);
      self_->impl_.start_wait_op(w, p);
    }

   private:
    stream_descriptor_object* self_;
  };

  Executor executor_;
  detail::backend::fd_impl impl_;
};

}  // namespace asio_directsockets::objects
