// The poll backend's socket service (Asio's reactive_socket_service): every
// socket and acceptor operation, synchronous or the start of an asynchronous
// one, on an fd_impl. The public I/O objects keep only their overload pairs
// and async_initiate shells and never reach the OS or a backend themselves,
// so the browser build's Direct Sockets backend is a second service
// (direct_sockets/socket_service.hpp; docs/architecture.md).
#pragma once

#include <asio_directsockets/detail/backend/poll/fd_impl.hpp>
#include <asio_directsockets/detail/backend/poll/reactive_ops.hpp>
#include <asio_directsockets/detail/io_op.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/socket_base.hpp>

#include <sys/ioctl.h>

#include <cstddef>
#include <type_traits>
#include <utility>

namespace asio_directsockets::detail::backend {

class socket_service {
 public:
  using implementation_type = fd_impl;
  using wait_kind = socket_ops::wait_kind;

  // --- lifetime -----------------------------------------------------------
  template <typename Protocol>
  static void open(fd_impl& impl, const Protocol& protocol, error_code& ec) {
    if (impl.is_open()) {
      ec = boost::asio::error::already_open;
      return;
    }
    int fd = socket_ops::socket(protocol.family(), protocol.type(), protocol.protocol(), ec);
    if (ec) return;
    adopt(impl, fd, ec);
  }
  static void assign(fd_impl& impl, int fd, error_code& ec) { impl.assign(fd, true, ec); }
  // Takes a descriptor this process made (socket(), accept()); closes it if it cannot.
  static void adopt(fd_impl& impl, int fd, error_code& ec) {
    impl.assign(fd, true, ec);
    if (ec) {
      error_code ignored;
      socket_ops::close(fd, ignored);
    }
  }

  // --- control ------------------------------------------------------------
  template <typename Endpoint>
  static void bind(fd_impl& impl, const Endpoint& endpoint, error_code& ec) {
    if (!open_or_fail(impl, ec)) return;
    socket_ops::bind(impl.native_handle(), endpoint.data(), endpoint.size(), ec);
  }
  static void listen(fd_impl& impl, int backlog, error_code& ec) {
    if (!open_or_fail(impl, ec)) return;
    socket_ops::listen(impl.native_handle(), backlog, ec);
  }
  template <typename Protocol, typename Option>
  static void set_option(fd_impl& impl, const Protocol& p, const Option& option, error_code& ec) {
    if (!open_or_fail(impl, ec)) return;
    socket_ops::setsockopt(impl.native_handle(), option.level(p), option.name(p), option.data(p),
                           option.size(p), ec);
  }
  template <typename Protocol, typename Option>
  static void get_option(const fd_impl& impl, const Protocol& p, Option& option, error_code& ec) {
    if (!open_or_fail(impl, ec)) return;
    std::size_t size = option.size(p);
    socket_ops::getsockopt(impl.native_handle(), option.level(p), option.name(p), option.data(p),
                           &size, ec);
    if (!ec) option.resize(p, size);
  }
  template <typename Command>
  static void io_control(fd_impl& impl, Command& command, error_code& ec) {
    if (!open_or_fail(impl, ec)) return;
    // FIONBIO sets the user's non-blocking mode, as Boost.Asio records it; the descriptor itself
    // stays non-blocking for the reactor.
    if (static_cast<int>(command.name()) == static_cast<int>(FIONBIO)) {
      impl.set_user_non_blocking(*static_cast<const int*>(command.data()) != 0, ec);
      return;
    }
    socket_ops::io_control(impl.native_handle(), static_cast<int>(command.name()), command.data(),
                           ec);
  }
  static bool at_mark(const fd_impl& impl, error_code& ec) {
    return socket_ops::at_mark(impl.native_handle(), ec);
  }
  static std::size_t available(const fd_impl& impl, error_code& ec) {
    if (!open_or_fail(impl, ec)) return 0;
    return socket_ops::available(impl.native_handle(), ec);
  }
  // The descriptor is always non-blocking underneath (the reactor needs O_NONBLOCK).
  static bool native_non_blocking(const fd_impl& impl) { return impl.is_open(); }
  static void native_non_blocking(const fd_impl& impl, bool mode, error_code& ec) {
    if (!impl.is_open())
      ec = boost::asio::error::bad_descriptor;
    else if (!mode)
      ec = boost::asio::error::invalid_argument;
    else
      ec.clear();
  }
  template <typename Endpoint>
  static Endpoint local_endpoint(const fd_impl& impl, error_code& ec) {
    return endpoint_of<Endpoint>(impl, &socket_ops::getsockname, ec);
  }
  template <typename Endpoint>
  static Endpoint remote_endpoint(const fd_impl& impl, error_code& ec) {
    return endpoint_of<Endpoint>(impl, &socket_ops::getpeername, ec);
  }
  static void shutdown(fd_impl& impl, int what, error_code& ec) {
    if (!open_or_fail(impl, ec)) return;
    socket_ops::shutdown(impl.native_handle(), what, ec);
  }

  // --- synchronous transfers ----------------------------------------------
  template <typename Endpoint>
  static void connect(fd_impl& impl, const Endpoint& peer, error_code& ec) {
    if (!open_or_fail(impl, ec)) return;  // the object opens it first, recording the protocol
    int fd = impl.native_handle();
    if (socket_ops::start_connect(fd, peer.data(), peer.size(), ec)) return;
    socket_ops::poll_wait(fd, wait_kind::write, ec);
    if (!ec) socket_ops::connect_result(fd, ec);
    // Linux answers the first connect() after a finished non-blocking one with 0; consume it
    // so a later connect() gives EISCONN, as Asio's blocking connect leaves things.
    error_code ignored;
    if (!ec) socket_ops::start_connect(fd, peer.data(), peer.size(), ignored);
  }
  template <typename Buffers>
  static std::size_t send(fd_impl& impl, const Buffers& buffers, int flags, bool is_stream,
                          error_code& ec) {
    std::size_t n = 0;
    impl.sync_loop(wait_kind::write, ec, [&] {
      const_iov<Buffers> b(buffers);
      return socket_ops::send(impl.native_handle(), b.iov, b.count, flags,
                              is_stream && b.all_empty(), ec, n);
    });
    return n;
  }
  template <typename Buffers>
  static std::size_t receive(fd_impl& impl, const Buffers& buffers, int flags, bool is_stream,
                             error_code& ec) {
    std::size_t n = 0;
    impl.sync_loop(wait_kind::read, ec, [&] {
      mutable_iov<Buffers> b(buffers);
      return socket_ops::recv(impl.native_handle(), b.iov, b.count, flags, is_stream,
                              is_stream && b.all_empty(), ec, n);
    });
    return n;
  }
  template <typename Buffers, typename Endpoint>
  static std::size_t send_to(fd_impl& impl, const Buffers& buffers, const Endpoint& destination,
                             int flags, error_code& ec) {
    std::size_t n = 0;
    impl.sync_loop(wait_kind::write, ec, [&] {
      const_iov<Buffers> b(buffers);
      return socket_ops::sendto(impl.native_handle(), b.iov, b.count, flags, destination.data(),
                                destination.size(), ec, n);
    });
    return n;
  }
  template <typename Buffers, typename Endpoint>
  static std::size_t receive_from(fd_impl& impl, const Buffers& buffers, Endpoint& sender,
                                  int flags, error_code& ec) {
    std::size_t n = 0;
    impl.sync_loop(wait_kind::read, ec, [&] {
      mutable_iov<Buffers> b(buffers);
      std::size_t len = sender.capacity();
      if (!socket_ops::recvfrom(impl.native_handle(), b.iov, b.count, flags, sender.data(), &len,
                                ec, n))
        return false;
      if (!ec) sender.resize(len);
      return true;
    });
    return n;
  }
  // Accepts one connection: the new descriptor (owned by the caller, who adopts it into a
  // socket), or -1 with ec set.
  template <typename Endpoint>
  static int accept(fd_impl& impl, Endpoint* peer_endpoint, error_code& ec) {
    int new_fd = -1;
    impl.sync_loop(wait_kind::read, ec, [&] {
      Endpoint tmp;
      Endpoint& ep = peer_endpoint ? *peer_endpoint : tmp;
      std::size_t len = ep.capacity();
      if (!socket_ops::accept(impl.native_handle(), ep.data(), &len, ec, new_fd,
                              impl.reports_connection_aborted()))
        return false;
      if (!ec) ep.resize(len);
      return true;
    });
    return ec ? -1 : new_fd;
  }

  // --- asynchronous operations: each starts an op the reactor completes -------
  template <typename Handler, typename Executor, typename Endpoint>
  static void async_connect(fd_impl& impl, const Endpoint& peer, const error_code& open_ec,
                            Handler&& handler, const Executor& ex) {
    using op = io_op<connect_op_base, std::decay_t<Handler>, Executor>;
    op* p = op::make(std::forward<Handler>(handler), ex, impl.native_handle());
    if (open_ec) return impl.post_result(p, open_ec);
    if (!impl.is_open()) return impl.post_result(p, boost::asio::error::bad_descriptor);
    error_code ec;
    if (socket_ops::start_connect(impl.native_handle(), peer.data(), peer.size(), ec))
      return impl.post_result(p, ec);
    impl.start_op(poll_reactor::write_op, p, false);
  }
  template <typename Handler, typename Executor, typename Buffers>
  static void async_send(fd_impl& impl, const Buffers& buffers, int flags, bool is_stream,
                         Handler&& handler, const Executor& ex) {
    using op = io_op<write_op_base<Buffers>, std::decay_t<Handler>, Executor>;
    op* p = op::make(std::forward<Handler>(handler), ex, impl.native_handle(), buffers, flags,
                     is_stream, true);
    impl.start_op(poll_reactor::write_op, p, true);
  }
  template <typename Handler, typename Executor, typename Buffers>
  static void async_receive(fd_impl& impl, const Buffers& buffers, int flags, bool is_stream,
                            Handler&& handler, const Executor& ex) {
    using op = io_op<read_op_base<Buffers>, std::decay_t<Handler>, Executor>;
    op* p = op::make(std::forward<Handler>(handler), ex, impl.native_handle(), buffers, flags,
                     is_stream, true);
    // Out-of-band data is waited for as an exceptional condition; it is never speculative.
    const bool oob = is_stream && (flags & boost::asio::socket_base::message_out_of_band) != 0;
    impl.start_op(oob ? poll_reactor::except_op : poll_reactor::read_op, p, !oob);
  }
  template <typename Handler, typename Executor, typename Buffers, typename Endpoint>
  static void async_send_to(fd_impl& impl, const Buffers& buffers, const Endpoint& destination,
                            int flags, Handler&& handler, const Executor& ex) {
    using op = io_op<send_to_op_base<Buffers, Endpoint>, std::decay_t<Handler>, Executor>;
    op* p = op::make(std::forward<Handler>(handler), ex, impl.native_handle(), buffers, destination,
                     flags);
    impl.start_op(poll_reactor::write_op, p, true);
  }
  template <typename Handler, typename Executor, typename Buffers, typename Endpoint>
  static void async_receive_from(fd_impl& impl, const Buffers& buffers, Endpoint& sender, int flags,
                                 Handler&& handler, const Executor& ex) {
    using op = io_op<receive_from_op_base<Buffers, Endpoint>, std::decay_t<Handler>, Executor>;
    op* p =
        op::make(std::forward<Handler>(handler), ex, impl.native_handle(), buffers, sender, flags);
    impl.start_op(poll_reactor::read_op, p, true);
  }
  // Accepts into an existing socket object (its assign_accepted takes the descriptor).
  template <typename Handler, typename Executor, typename Socket, typename Endpoint>
  static void async_accept_into(fd_impl& impl, Socket& peer, Endpoint* peer_endpoint,
                                Handler&& handler, const Executor& ex) {
    using op = io_op<accept_into_op_base<Socket, Endpoint>, std::decay_t<Handler>, Executor>;
    op* p = op::make(std::forward<Handler>(handler), ex, impl.native_handle(),
                     impl.reports_connection_aborted(), peer, peer_endpoint);
    if (peer.is_open()) return impl.post_result(p, boost::asio::error::already_open);
    impl.start_op(poll_reactor::read_op, p, true);
  }
  // Accepts into a new socket object of type Socket on `peer_ex`.
  template <typename Socket, typename Handler, typename Executor, typename PeerExecutor,
            typename Endpoint>
  static void async_accept_move(fd_impl& impl, const PeerExecutor& peer_ex, Endpoint* peer_endpoint,
                                Handler&& handler, const Executor& ex) {
    using op = io_op<accept_move_op_base<Socket, Endpoint>, std::decay_t<Handler>, Executor>;
    op* p = op::make(std::forward<Handler>(handler), ex, impl.native_handle(),
                     impl.reports_connection_aborted(), peer_ex, peer_endpoint);
    impl.start_op(poll_reactor::read_op, p, true);
  }
  template <typename Handler, typename Executor>
  static void async_wait(fd_impl& impl, int w, Handler&& handler, const Executor& ex) {
    using op = io_op<wait_op_base, std::decay_t<Handler>, Executor>;
    op* p = op::make(std::forward<Handler>(handler), ex);
    impl.start_wait_op(w, p);
  }

 private:
  static bool open_or_fail(const fd_impl& impl, error_code& ec) {
    if (impl.is_open()) return true;
    ec = boost::asio::error::bad_descriptor;
    return false;
  }
  template <typename Endpoint, typename Query>
  static Endpoint endpoint_of(const fd_impl& impl, Query query, error_code& ec) {
    if (!open_or_fail(impl, ec)) return Endpoint();
    Endpoint ep;
    std::size_t len = ep.capacity();
    query(impl.native_handle(), ep.data(), &len, ec);
    if (ec) return Endpoint();
    ep.resize(len);
    return ep;
  }
};

}  // namespace asio_directsockets::detail::backend
