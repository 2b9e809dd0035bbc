// What every socket shares (Asio's basic_socket): open/bind/connect/close,
// options, endpoints, shutdown, wait. Stream and datagram sockets add I/O.
//
// This is the body of boost::asio::basic_socket<ip::tcp|ip::udp, Executor>,
// which adopted/basic_socket.hpp specialises to derive from it; it is never
// used on its own.
#pragma once

#include <asio_directsockets/detail/context_of.hpp>
#include <asio_directsockets/detail/socket_service.hpp>
#include <asio_directsockets/detail/throw_error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/basic_socket.hpp>
#include <boost/asio/socket_base.hpp>

#include <optional>
#include <type_traits>
#include <utility>

namespace asio_directsockets::objects {

template <typename Protocol, typename Executor>
class socket_object : public boost::asio::socket_base {
  template <typename, typename>
  friend class socket_object;

 public:
  using executor_type = Executor;
  using native_handle_type = int;
  using protocol_type = Protocol;
  using endpoint_type = typename Protocol::endpoint;
  // The public type, of which this object is always the base.
  using lowest_layer_type = boost::asio::basic_socket<Protocol, Executor>;

  explicit socket_object(const executor_type& ex)
      : executor_(ex), impl_(detail::context_of(ex).impl()) {}
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  explicit socket_object(ExecutionContext& ctx)
      : socket_object(executor_type(ctx.get_executor())) {}

  socket_object(const executor_type& ex, const protocol_type& protocol) : socket_object(ex) {
    open(protocol);
  }
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  socket_object(ExecutionContext& ctx, const protocol_type& protocol)
      : socket_object(executor_type(ctx.get_executor()), protocol) {}

  socket_object(const executor_type& ex, const endpoint_type& endpoint) : socket_object(ex) {
    open(endpoint.protocol());
    bind(endpoint);
  }
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  socket_object(ExecutionContext& ctx, const endpoint_type& endpoint)
      : socket_object(executor_type(ctx.get_executor()), endpoint) {}

  socket_object(const executor_type& ex, const protocol_type& protocol, native_handle_type fd)
      : socket_object(ex) {
    assign(protocol, fd);
  }
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  socket_object(ExecutionContext& ctx, const protocol_type& protocol, native_handle_type fd)
      : socket_object(executor_type(ctx.get_executor()), protocol, fd) {}

  // A moved-from socket keeps its executor and can be opened again, as in
  // Asio (accept loops reuse one socket object).
  socket_object(socket_object&& other) noexcept
      : executor_(other.executor_),
        impl_(std::move(other.impl_)),
        protocol_(std::move(other.protocol_)) {}
  socket_object& operator=(socket_object&& other) noexcept {
    if (this != &other) {
      executor_ = other.executor_;
      impl_ = std::move(other.impl_);
      protocol_ = std::move(other.protocol_);
    }
    return *this;
  }
  // From another executor, or another protocol convertible to this one (tcp into
  // generic::stream_protocol): the descriptor and its pending state move as they are.
  template <typename Protocol1, typename Executor1>
  requires std::is_convertible_v<Protocol1, Protocol> && std::is_convertible_v<Executor1, Executor>
  socket_object(socket_object<Protocol1, Executor1>&& other)
      : executor_(other.executor_),
        impl_(std::move(other.impl_)),
        protocol_(other.protocol_ ? std::optional<Protocol>(Protocol(*other.protocol_))
                                  : std::nullopt) {}

  executor_type get_executor() noexcept { return executor_; }
  lowest_layer_type& lowest_layer() { return static_cast<lowest_layer_type&>(*this); }
  const lowest_layer_type& lowest_layer() const {
    return static_cast<const lowest_layer_type&>(*this);
  }

  void open(const protocol_type& protocol = protocol_type()) {
    boost::system::error_code ec;
    open(protocol, ec);
    detail::throw_error(ec, "open");
  }
  void open(const protocol_type& protocol, boost::system::error_code& ec) {
    service::open(impl_, protocol, ec);
    if (!ec) protocol_ = protocol;
  }

  void assign(const protocol_type& protocol, const native_handle_type& fd) {
    boost::system::error_code ec;
    assign(protocol, fd, ec);
    detail::throw_error(ec, "assign");
  }
  void assign(const protocol_type& protocol, const native_handle_type& fd,
              boost::system::error_code& ec) {
    service::assign(impl_, fd, ec);
    if (!ec) protocol_ = protocol;
  }

  bool is_open() const { return impl_.is_open(); }
  void close() {
    boost::system::error_code ec;
    close(ec);
    detail::throw_error(ec, "close");
  }
  void close(boost::system::error_code& ec) { impl_.close(ec); }

  native_handle_type release() {
    boost::system::error_code ec;
    auto fd = release(ec);
    detail::throw_error(ec, "release");
    return fd;
  }
  native_handle_type release(boost::system::error_code& ec) { return impl_.release(ec); }
  native_handle_type native_handle() { return impl_.native_handle(); }

  void cancel() {
    boost::system::error_code ec;
    cancel(ec);
    detail::throw_error(ec, "cancel");
  }
  void cancel(boost::system::error_code& ec) { impl_.cancel(ec); }

  bool at_mark() const {
    boost::system::error_code ec;
    bool r = at_mark(ec);
    detail::throw_error(ec, "at_mark");
    return r;
  }
  bool at_mark(boost::system::error_code& ec) const { return service::at_mark(impl_, ec); }

  std::size_t available() const {
    boost::system::error_code ec;
    std::size_t n = available(ec);
    detail::throw_error(ec, "available");
    return n;
  }
  std::size_t available(boost::system::error_code& ec) const {
    return service::available(impl_, ec);
  }

  void bind(const endpoint_type& endpoint) {
    boost::system::error_code ec;
    bind(endpoint, ec);
    detail::throw_error(ec, "bind");
  }
  void bind(const endpoint_type& endpoint, boost::system::error_code& ec) {
    service::bind(impl_, endpoint, ec);
  }

  void connect(const endpoint_type& peer) {
    boost::system::error_code ec;
    connect(peer, ec);
    detail::throw_error(ec, "connect");
  }
  void connect(const endpoint_type& peer, boost::system::error_code& ec) {
    if (!is_open()) {
      open(peer.protocol(), ec);
      if (ec) return;
    }
    service::connect(impl_, peer, ec);
  }

  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code))
                ConnectToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_connect(
      const endpoint_type& peer,
      ConnectToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    boost::system::error_code open_ec;
    if (!is_open()) open(peer.protocol(), open_ec);
    return boost::asio::async_initiate<ConnectToken, void(boost::system::error_code)>(
        initiate_async_connect(this), token, peer, open_ec);
  }

  template <typename SettableSocketOption>
  void set_option(const SettableSocketOption& option) {
    boost::system::error_code ec;
    set_option(option, ec);
    detail::throw_error(ec, "set_option");
  }
  template <typename SettableSocketOption>
  void set_option(const SettableSocketOption& option, boost::system::error_code& ec) {
    service::set_option(impl_, current_protocol(), option, ec);
  }

  template <typename GettableSocketOption>
  void get_option(GettableSocketOption& option) const {
    boost::system::error_code ec;
    get_option(option, ec);
    detail::throw_error(ec, "get_option");
  }
  template <typename GettableSocketOption>
  void get_option(GettableSocketOption& option, boost::system::error_code& ec) const {
    service::get_option(impl_, current_protocol(), option, ec);
  }

  template <typename IoControlCommand>
  void io_control(IoControlCommand& command) {
    boost::system::error_code ec;
    io_control(command, ec);
    detail::throw_error(ec, "io_control");
  }
  template <typename IoControlCommand>
  void io_control(IoControlCommand& command, boost::system::error_code& ec) {
    service::io_control(impl_, command, ec);
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
  // The descriptor is always non-blocking underneath; this reports that.
  bool native_non_blocking() const { return service::native_non_blocking(impl_); }
  void native_non_blocking(bool mode) {
    boost::system::error_code ec;
    native_non_blocking(mode, ec);
    detail::throw_error(ec, "native_non_blocking");
  }
  void native_non_blocking(bool mode, boost::system::error_code& ec) {
    service::native_non_blocking(impl_, mode, ec);
  }

  endpoint_type local_endpoint() const {
    boost::system::error_code ec;
    endpoint_type ep = local_endpoint(ec);
    detail::throw_error(ec, "local_endpoint");
    return ep;
  }
  endpoint_type local_endpoint(boost::system::error_code& ec) const {
    return service::template local_endpoint<endpoint_type>(impl_, ec);
  }

  endpoint_type remote_endpoint() const {
    boost::system::error_code ec;
    endpoint_type ep = remote_endpoint(ec);
    detail::throw_error(ec, "remote_endpoint");
    return ep;
  }
  endpoint_type remote_endpoint(boost::system::error_code& ec) const {
    return service::template remote_endpoint<endpoint_type>(impl_, ec);
  }

  void shutdown(shutdown_type what) {
    boost::system::error_code ec;
    shutdown(what, ec);
    detail::throw_error(ec, "shutdown");
  }
  void shutdown(shutdown_type what, boost::system::error_code& ec) {
    service::shutdown(impl_, what, ec);
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

  // Internal: hands an accepted descriptor to this socket.
  void assign_accepted(int fd, boost::system::error_code& ec) { service::adopt(impl_, fd, ec); }
  // Internal: the protocol the acceptor knows the peer socket to have.
  void set_protocol(const protocol_type& p) { protocol_ = p; }

 protected:
  ~socket_object() = default;

  protocol_type current_protocol() const {
    if (protocol_) return *protocol_;
    return local_endpoint_protocol();
  }
  protocol_type local_endpoint_protocol() const {
    boost::system::error_code ec;
    return local_endpoint(ec).protocol();
  }

  using service = detail::socket_service;

  Executor executor_;
  service::implementation_type impl_;
  std::optional<protocol_type> protocol_;

 private:
  class initiate_async_connect {
   public:
    using executor_type = Executor;
    explicit initiate_async_connect(socket_object* self) : self_(self) {}
    executor_type get_executor() const noexcept { return self_->get_executor(); }

    template <typename Handler>
    void operator()(Handler&& handler, const endpoint_type& peer,
                    const boost::system::error_code& open_ec) const {
      service::async_connect(self_->impl_, peer, open_ec, std::forward<Handler>(handler),
                             self_->executor_);
    }

   private:
    socket_object* self_;
  };

  class initiate_async_wait {
   public:
    using executor_type = Executor;
    explicit initiate_async_wait(socket_object* self) : self_(self) {}
    executor_type get_executor() const noexcept { return self_->get_executor(); }

    template <typename Handler>
    void operator()(Handler&& handler, wait_type w) const {
      service::async_wait(self_->impl_, w, std::forward<Handler>(handler), self_->executor_);
    }

   private:
    socket_object* self_;
  };
};

}  // namespace asio_directsockets::objects
