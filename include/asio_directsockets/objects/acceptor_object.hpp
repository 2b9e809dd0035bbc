// A listening socket (Asio's basic_socket_acceptor): accept into a socket you
// own, or receive a new socket, synchronously or asynchronously.
//
// The body of boost::asio::basic_socket_acceptor<ip::tcp, Executor> (see
// adopted/basic_socket_acceptor.hpp). Sockets it accepts into, or hands out,
// are the public boost::asio::basic_stream_socket<ip::tcp, ...>, specialised
// onto stream_socket_object.
#pragma once

#include <asio_directsockets/objects/stream_socket_object.hpp>

#include <boost/asio/basic_stream_socket.hpp>

namespace asio_directsockets::objects {

template <typename Protocol, typename Executor>
class acceptor_object : public boost::asio::socket_base {
  template <typename, typename>
  friend class acceptor_object;
  using service = detail::socket_service;

 public:
  using executor_type = Executor;
  // The socket an accept hands out, on the given executor.
  template <typename PeerExecutor>
  using accepted_socket = boost::asio::basic_stream_socket<Protocol, PeerExecutor>;
  using native_handle_type = int;
  using protocol_type = Protocol;
  using endpoint_type = typename Protocol::endpoint;

  explicit acceptor_object(const executor_type& ex)
      : executor_(ex), impl_(detail::context_of(ex).impl()) {}
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  explicit acceptor_object(ExecutionContext& ctx)
      : acceptor_object(executor_type(ctx.get_executor())) {}

  acceptor_object(const executor_type& ex, const protocol_type& protocol) : acceptor_object(ex) {
    open(protocol);
  }
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  acceptor_object(ExecutionContext& ctx, const protocol_type& protocol)
      : acceptor_object(executor_type(ctx.get_executor()), protocol) {}

  // Opens, optionally sets reuse_address, binds and listens, as Asio does.
  acceptor_object(const executor_type& ex, const endpoint_type& endpoint, bool reuse_addr = true)
      : acceptor_object(ex) {
    open(endpoint.protocol());
    if (reuse_addr) set_option(reuse_address(true));
    bind(endpoint);
    listen();
  }
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  acceptor_object(ExecutionContext& ctx, const endpoint_type& endpoint, bool reuse_addr = true)
      : acceptor_object(executor_type(ctx.get_executor()), endpoint, reuse_addr) {}

  // Adopts a descriptor (natively: a listening fd; in the browser: a handle).
  acceptor_object(const executor_type& ex, const protocol_type& protocol,
                  const native_handle_type& handle)
      : acceptor_object(ex) {
    assign(protocol, handle);
  }
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  acceptor_object(ExecutionContext& ctx, const protocol_type& protocol,
                  const native_handle_type& handle)
      : acceptor_object(executor_type(ctx.get_executor()), protocol, handle) {}

  acceptor_object(acceptor_object&& other) noexcept
      : executor_(other.executor_), impl_(std::move(other.impl_)), protocol_(other.protocol_) {}
  acceptor_object& operator=(acceptor_object&& other) noexcept {
    if (this != &other) {
      executor_ = other.executor_;
      impl_ = std::move(other.impl_);
      protocol_ = other.protocol_;
    }
    return *this;
  }
  template <typename Executor1,
            std::enable_if_t<std::is_convertible_v<Executor1, Executor>, int> = 0>
  acceptor_object(acceptor_object<Protocol, Executor1>&& other)
      : executor_(other.executor_), impl_(std::move(other.impl_)), protocol_(other.protocol_) {}

  executor_type get_executor() noexcept { return executor_; }

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

  void bind(const endpoint_type& endpoint) {
    boost::system::error_code ec;
    bind(endpoint, ec);
    detail::throw_error(ec, "bind");
  }
  void bind(const endpoint_type& endpoint, boost::system::error_code& ec) {
    service::bind(impl_, endpoint, ec);
  }

  void listen(int backlog = max_listen_connections) {
    boost::system::error_code ec;
    listen(backlog, ec);
    detail::throw_error(ec, "listen");
  }
  void listen(int backlog, boost::system::error_code& ec) { service::listen(impl_, backlog, ec); }

  template <typename SettableSocketOption>
  void set_option(const SettableSocketOption& option) {
    boost::system::error_code ec;
    set_option(option, ec);
    detail::throw_error(ec, "set_option");
  }
  template <typename SettableSocketOption>
  void set_option(const SettableSocketOption& option, boost::system::error_code& ec) {
    if (!is_open()) {
      ec = boost::asio::error::bad_descriptor;
      return;
    }
    if (is_connection_aborted_option(option)) {
      if (option.size(*protocol_) != sizeof(int)) {
        ec = boost::asio::error::invalid_argument;
        return;
      }
      impl_.set_reports_connection_aborted(*static_cast<const int*>(option.data(*protocol_)) != 0);
      ec.clear();
      return;
    }
    service::set_option(impl_, *protocol_, option, ec);
  }
  template <typename GettableSocketOption>
  void get_option(GettableSocketOption& option) const {
    boost::system::error_code ec;
    get_option(option, ec);
    detail::throw_error(ec, "get_option");
  }
  template <typename GettableSocketOption>
  void get_option(GettableSocketOption& option, boost::system::error_code& ec) const {
    if (!is_open()) {
      ec = boost::asio::error::bad_descriptor;
      return;
    }
    if (is_connection_aborted_option(option)) {
      if (option.size(*protocol_) != sizeof(int)) {
        ec = boost::asio::error::invalid_argument;
        return;
      }
      *static_cast<int*>(option.data(*protocol_)) = impl_.reports_connection_aborted() ? 1 : 0;
      option.resize(*protocol_, sizeof(int));
      ec.clear();
      return;
    }
    service::get_option(impl_, *protocol_, option, ec);
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

  // --- accept into an existing socket -----------------------------------
  template <typename Protocol1, typename Executor1>
  void accept(boost::asio::basic_socket<Protocol1, Executor1>& peer) {
    boost::system::error_code ec;
    accept(peer, ec);
    detail::throw_error(ec, "accept");
  }
  template <typename Protocol1, typename Executor1>
  void accept(boost::asio::basic_socket<Protocol1, Executor1>& peer,
              boost::system::error_code& ec) {
    accept_impl(peer, nullptr, ec);
  }
  template <typename Executor1>
  void accept(boost::asio::basic_socket<protocol_type, Executor1>& peer,
              endpoint_type& peer_endpoint) {
    boost::system::error_code ec;
    accept_impl(peer, &peer_endpoint, ec);
    detail::throw_error(ec, "accept");
  }
  template <typename Executor1>
  void accept(boost::asio::basic_socket<protocol_type, Executor1>& peer,
              endpoint_type& peer_endpoint, boost::system::error_code& ec) {
    accept_impl(peer, &peer_endpoint, ec);
  }

  // --- accept returning a new socket, on this acceptor's executor or another
  // executor or context, optionally with the peer's endpoint -----------------
  accepted_socket<executor_type> accept() { return accept_new_or_throw(executor_, nullptr); }
  accepted_socket<executor_type> accept(boost::system::error_code& ec) {
    return accept_new(executor_, nullptr, ec);
  }
  accepted_socket<executor_type> accept(endpoint_type& peer_endpoint) {
    return accept_new_or_throw(executor_, &peer_endpoint);
  }
  accepted_socket<executor_type> accept(endpoint_type& peer_endpoint,
                                        boost::system::error_code& ec) {
    return accept_new(executor_, &peer_endpoint, ec);
  }
  template <typename Executor1,
            std::enable_if_t<boost::asio::execution::is_executor<Executor1>::value, int> = 0>
  accepted_socket<Executor1> accept(const Executor1& ex) {
    return accept_new_or_throw(ex, nullptr);
  }
  template <typename Executor1,
            std::enable_if_t<boost::asio::execution::is_executor<Executor1>::value, int> = 0>
  accepted_socket<Executor1> accept(const Executor1& ex, boost::system::error_code& ec) {
    return accept_new(ex, nullptr, ec);
  }
  template <typename Executor1,
            std::enable_if_t<boost::asio::execution::is_executor<Executor1>::value, int> = 0>
  accepted_socket<Executor1> accept(const Executor1& ex, endpoint_type& peer_endpoint) {
    return accept_new_or_throw(ex, &peer_endpoint);
  }
  template <typename Executor1,
            std::enable_if_t<boost::asio::execution::is_executor<Executor1>::value, int> = 0>
  accepted_socket<Executor1> accept(const Executor1& ex, endpoint_type& peer_endpoint,
                                    boost::system::error_code& ec) {
    return accept_new(ex, &peer_endpoint, ec);
  }
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  accepted_socket<typename ExecutionContext::executor_type> accept(ExecutionContext& ctx) {
    return accept_new_or_throw(ctx.get_executor(), nullptr);
  }
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  accepted_socket<typename ExecutionContext::executor_type> accept(ExecutionContext& ctx,
                                                                   boost::system::error_code& ec) {
    return accept_new(ctx.get_executor(), nullptr, ec);
  }
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  accepted_socket<typename ExecutionContext::executor_type> accept(ExecutionContext& ctx,
                                                                   endpoint_type& peer_endpoint) {
    return accept_new_or_throw(ctx.get_executor(), &peer_endpoint);
  }
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  accepted_socket<typename ExecutionContext::executor_type> accept(ExecutionContext& ctx,
                                                                   endpoint_type& peer_endpoint,
                                                                   boost::system::error_code& ec) {
    return accept_new(ctx.get_executor(), &peer_endpoint, ec);
  }

  template <typename Protocol1, typename Executor1,
            BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code))
                AcceptToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_accept(
      boost::asio::basic_socket<Protocol1, Executor1>& peer,
      AcceptToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return boost::asio::async_initiate<AcceptToken, void(boost::system::error_code)>(
        initiate_async_accept_into(this), token, &peer, static_cast<endpoint_type*>(nullptr));
  }
  template <typename Executor1,
            BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code))
                AcceptToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_accept(
      boost::asio::basic_socket<protocol_type, Executor1>& peer, endpoint_type& peer_endpoint,
      AcceptToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return boost::asio::async_initiate<AcceptToken, void(boost::system::error_code)>(
        initiate_async_accept_into(this), token, &peer, &peer_endpoint);
  }

  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code,
                                                 accepted_socket<executor_type>))
                MoveAcceptToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_accept(
      MoveAcceptToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return async_accept_move<executor_type>(executor_, nullptr,
                                            std::forward<MoveAcceptToken>(token));
  }
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code,
                                                 accepted_socket<executor_type>))
                MoveAcceptToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_accept(
      endpoint_type& peer_endpoint,
      MoveAcceptToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return async_accept_move<executor_type>(executor_, &peer_endpoint,
                                            std::forward<MoveAcceptToken>(token));
  }
  // The new socket runs on another executor or context (e.g. per-thread).
  template <typename Executor1,
            BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code,
                                                 accepted_socket<Executor1>))
                MoveAcceptToken = boost::asio::default_completion_token_t<executor_type>,
            std::enable_if_t<boost::asio::execution::is_executor<Executor1>::value, int> = 0>
  auto async_accept(
      const Executor1& ex,
      MoveAcceptToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return async_accept_move<Executor1>(ex, nullptr, std::forward<MoveAcceptToken>(token));
  }
  template <
      typename ExecutionContext,
      BOOST_ASIO_COMPLETION_TOKEN_FOR(void(
          boost::system::error_code, accepted_socket<typename ExecutionContext::executor_type>))
          MoveAcceptToken = boost::asio::default_completion_token_t<executor_type>,
      std::enable_if_t<std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>,
                       int> = 0>
  auto async_accept(
      ExecutionContext& ctx,
      MoveAcceptToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    using ex_type = typename ExecutionContext::executor_type;
    return async_accept_move<ex_type>(ctx.get_executor(), nullptr,
                                      std::forward<MoveAcceptToken>(token));
  }
  template <typename Executor1,
            BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code,
                                                 accepted_socket<Executor1>))
                MoveAcceptToken = boost::asio::default_completion_token_t<executor_type>,
            std::enable_if_t<boost::asio::execution::is_executor<Executor1>::value, int> = 0>
  auto async_accept(
      const Executor1& ex, endpoint_type& peer_endpoint,
      MoveAcceptToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return async_accept_move<Executor1>(ex, &peer_endpoint, std::forward<MoveAcceptToken>(token));
  }
  template <
      typename ExecutionContext,
      BOOST_ASIO_COMPLETION_TOKEN_FOR(void(
          boost::system::error_code, accepted_socket<typename ExecutionContext::executor_type>))
          MoveAcceptToken = boost::asio::default_completion_token_t<executor_type>,
      std::enable_if_t<std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>,
                       int> = 0>
  auto async_accept(
      ExecutionContext& ctx, endpoint_type& peer_endpoint,
      MoveAcceptToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    using ex_type = typename ExecutionContext::executor_type;
    return async_accept_move<ex_type>(ctx.get_executor(), &peer_endpoint,
                                      std::forward<MoveAcceptToken>(token));
  }

 private:
  // enable_connection_aborted is not a socket option of the OS: Boost.Asio keeps it in the
  // acceptor (a level of its own), and so does this library.
  template <typename Option>
  bool is_connection_aborted_option(const Option& option) const {
    return option.level(*protocol_) == boost::asio::detail::custom_socket_option_level &&
           option.name(*protocol_) == boost::asio::detail::enable_connection_aborted_option;
  }

  template <typename PeerExecutor>
  accepted_socket<PeerExecutor> accept_new(const PeerExecutor& ex, endpoint_type* peer_endpoint,
                                           boost::system::error_code& ec) {
    accepted_socket<PeerExecutor> peer(ex);
    accept_impl(peer, peer_endpoint, ec);
    return peer;
  }
  template <typename PeerExecutor>
  accepted_socket<PeerExecutor> accept_new_or_throw(const PeerExecutor& ex,
                                                    endpoint_type* peer_endpoint) {
    boost::system::error_code ec;
    auto peer = accept_new(ex, peer_endpoint, ec);
    detail::throw_error(ec, "accept");
    return peer;
  }

  template <typename Socket>
  void accept_impl(Socket& peer, endpoint_type* peer_endpoint, boost::system::error_code& ec) {
    if (peer.is_open()) {
      ec = boost::asio::error::already_open;
      return;
    }
    const int new_fd = service::accept(impl_, peer_endpoint, ec);
    if (!ec && new_fd >= 0) {
      peer.assign_accepted(new_fd, ec);
      if (!ec) peer.set_protocol(*protocol_);
    }
  }

  template <typename PeerExecutor, typename Token>
  auto async_accept_move(const PeerExecutor& ex, endpoint_type* peer_endpoint, Token&& token) {
    using socket_type = accepted_socket<PeerExecutor>;
    return boost::asio::async_initiate<Token, void(boost::system::error_code, socket_type)>(
        initiate_async_move_accept<PeerExecutor>(this), token, ex, peer_endpoint);
  }

  class initiate_async_accept_into {
   public:
    using executor_type = Executor;
    explicit initiate_async_accept_into(acceptor_object* self) : self_(self) {}
    executor_type get_executor() const noexcept { return self_->executor_; }

    template <typename Handler, typename Socket>
    void operator()(Handler&& handler, Socket* peer, endpoint_type* peer_endpoint) const {
      if (!peer->is_open()) peer->set_protocol(*self_->protocol_);
      service::async_accept_into(self_->impl_, *peer, peer_endpoint, std::forward<Handler>(handler),
                                 self_->executor_);
    }

   private:
    acceptor_object* self_;
  };

  template <typename PeerExecutor>
  class initiate_async_move_accept {
   public:
    using executor_type = Executor;
    explicit initiate_async_move_accept(acceptor_object* self) : self_(self) {}
    executor_type get_executor() const noexcept { return self_->executor_; }

    template <typename Handler>
    void operator()(Handler&& handler, const PeerExecutor& ex, endpoint_type* peer_endpoint) const {
      service::template async_accept_move<accepted_socket<PeerExecutor>>(
          self_->impl_, ex, peer_endpoint, std::forward<Handler>(handler), self_->executor_);
    }

   private:
    acceptor_object* self_;
  };

  class initiate_async_wait {
   public:
    using executor_type = Executor;
    explicit initiate_async_wait(acceptor_object* self) : self_(self) {}
    executor_type get_executor() const noexcept { return self_->executor_; }

    template <typename Handler>
    void operator()(Handler&& handler, wait_type w) const {
      service::async_wait(self_->impl_, w, std::forward<Handler>(handler), self_->executor_);
    }

   private:
    acceptor_object* self_;
  };

  Executor executor_;
  service::implementation_type impl_;
  std::optional<protocol_type> protocol_;
};

}  // namespace asio_directsockets::objects
