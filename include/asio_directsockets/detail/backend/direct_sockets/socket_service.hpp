// The Direct Sockets backend's socket service (the browser build's
// counterpart of the poll backend's socket_service): every socket and
// acceptor operation, synchronous or the start of an asynchronous one, on a
// socket_impl. The public I/O objects call the same members on either.
#pragma once

#include <asio_directsockets/detail/backend/direct_sockets/operations.hpp>
#include <asio_directsockets/detail/backend/direct_sockets/socket_impl.hpp>
#include <asio_directsockets/detail/io_op.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/socket_base.hpp>

#include <sys/ioctl.h>

#include <cstddef>
#include <type_traits>
#include <utility>

namespace asio_directsockets::detail::ds {

class socket_service {
 public:
  using implementation_type = socket_impl;

  // --- lifetime -----------------------------------------------------------
  template <typename Protocol>
  static void open(socket_impl& impl, const Protocol& protocol, error_code& ec) {
    if (impl.is_open()) {
      ec = boost::asio::error::already_open;
      return;
    }
    int fd = ds::open(protocol.family(), protocol.type(), ec);
    if (ec) return;
    adopt(impl, fd, ec);
  }
  static void assign(socket_impl& impl, int fd, error_code& ec) { impl.assign(fd, ec); }
  // Takes a descriptor this backend made (open(), accept); closes it if it cannot.
  static void adopt(socket_impl& impl, int fd, error_code& ec) {
    impl.assign(fd, ec);
    if (ec) {
      error_code ignored;
      ds::close(fd, ignored);
    }
  }

  // --- control ------------------------------------------------------------
  template <typename Endpoint>
  static void bind(socket_impl& impl, const Endpoint& endpoint, error_code& ec) {
    if (!open_or_fail(impl, ec)) return;
    ds::bind(impl.native_handle(), endpoint.data(), endpoint.size(), ec);
  }
  static void listen(socket_impl& impl, int backlog, error_code& ec) {
    if (!open_or_fail(impl, ec)) return;
    ds::listen(impl.native_handle(), backlog, ec);
  }
  template <typename Protocol, typename Option>
  static void set_option(socket_impl& impl, const Protocol& p, const Option& option,
                         error_code& ec) {
    if (!open_or_fail(impl, ec)) return;
    ds::setsockopt(impl.native_handle(), option.level(p), option.name(p), option.data(p),
                   option.size(p), ec);
  }
  template <typename Protocol, typename Option>
  static void get_option(const socket_impl& impl, const Protocol& p, Option& option,
                         error_code& ec) {
    if (!open_or_fail(impl, ec)) return;
    std::size_t size = option.size(p);
    ds::getsockopt(impl.native_handle(), option.level(p), option.name(p), option.data(p), &size,
                   ec);
    if (!ec) option.resize(p, size);
  }
  // FIONBIO sets the user's non-blocking mode, as Boost.Asio records it. Direct Sockets answers
  // one other command, bytes_readable (FIONREAD), from what the bridge has received and not
  // yet handed over; the rest have no Direct Sockets meaning.
  template <typename Command>
  static void io_control(socket_impl& impl, Command& command, error_code& ec) {
    if (!open_or_fail(impl, ec)) return;
    const int name = static_cast<int>(command.name());
    if (name == static_cast<int>(FIONBIO)) {
      impl.set_user_non_blocking(*static_cast<const int*>(command.data()) != 0, ec);
    } else if (name == static_cast<int>(FIONREAD)) {
      const std::size_t n = ds::available(impl.native_handle(), ec);
      if (!ec) *static_cast<int*>(command.data()) = n > INT_MAX ? INT_MAX : static_cast<int>(n);
    } else {
      ec = boost::asio::error::operation_not_supported;
    }
  }
  static bool at_mark(const socket_impl& impl, error_code& ec) {
    if (open_or_fail(impl, ec)) ec = boost::asio::error::operation_not_supported;
    return false;
  }
  static std::size_t available(const socket_impl& impl, error_code& ec) {
    if (!open_or_fail(impl, ec)) return 0;
    return ds::available(impl.native_handle(), ec);
  }
  // Nothing in Direct Sockets ever blocks the thread: natively non-blocking, always.
  static bool native_non_blocking(const socket_impl& impl) { return impl.is_open(); }
  static void native_non_blocking(const socket_impl& impl, bool mode, error_code& ec) {
    if (!impl.is_open())
      ec = boost::asio::error::bad_descriptor;
    else if (!mode)
      ec = boost::asio::error::invalid_argument;
    else
      ec.clear();
  }
  template <typename Endpoint>
  static Endpoint local_endpoint(const socket_impl& impl, error_code& ec) {
    return endpoint_of<Endpoint>(impl, &ds::getsockname, ec);
  }
  template <typename Endpoint>
  static Endpoint remote_endpoint(const socket_impl& impl, error_code& ec) {
    return endpoint_of<Endpoint>(impl, &ds::getpeername, ec);
  }
  static void shutdown(socket_impl& impl, int what, error_code& ec) {
    if (!open_or_fail(impl, ec)) return;
    ds::shutdown(impl.native_handle(), what, ec);
  }

  // --- synchronous transfers: wait for the result in blocking mode (ASYNCIFY or JSPI),
  // otherwise one attempt (docs/browser.md) -----------------------------------
  template <typename Endpoint>
  static void connect(socket_impl& impl, const Endpoint& peer, error_code& ec) {
    if (!open_or_fail(impl, ec)) return;  // the object opens it first, recording the protocol
    sync_op op(op_kind::connect, directions);
    set_address(op, peer);
    ec = run(impl, op, true);
  }
  template <typename Buffers>
  static std::size_t send(socket_impl& impl, const Buffers& buffers, int, bool is_stream,
                          error_code& ec) {
    sync_op op(op_kind::write, write_direction);
    set_first_buffer(op, buffers);
    if (is_stream && !op.length) return nothing_to_do(impl, ec);
    ec = run(impl, op, !impl.user_non_blocking());
    return op.bytes_;
  }
  template <typename Buffers>
  static std::size_t receive(socket_impl& impl, const Buffers& buffers, int, bool is_stream,
                             error_code& ec) {
    sync_op op(op_kind::read, read_direction);
    set_first_buffer(op, buffers);
    if (is_stream && !op.length) return nothing_to_do(impl, ec);
    ec = run(impl, op, !impl.user_non_blocking());
    return op.bytes_;
  }
  template <typename Buffers, typename Endpoint>
  static std::size_t send_to(socket_impl& impl, const Buffers& buffers, const Endpoint& destination,
                             int, error_code& ec) {
    sync_op op(op_kind::send_to, write_direction);
    set_first_buffer(op, buffers);
    set_address(op, destination);
    ec = run(impl, op, !impl.user_non_blocking());
    return op.bytes_;
  }
  template <typename Buffers, typename Endpoint>
  static std::size_t receive_from(socket_impl& impl, const Buffers& buffers, Endpoint& sender, int,
                                  error_code& ec) {
    sync_op op(op_kind::receive_from, read_direction);
    set_first_buffer(op, buffers);
    ec = run(impl, op, !impl.user_non_blocking());
    if (!ec && op.address_length) take_address(op, sender);
    return op.bytes_;
  }
  // Accepts one connection: the new descriptor (owned by the caller, who adopts it into a
  // socket), or -1 with ec set.
  template <typename Endpoint>
  static int accept(socket_impl& impl, Endpoint* peer_endpoint, error_code& ec) {
    sync_op op(op_kind::accept, read_direction);
    op.wants_address = peer_endpoint != nullptr;
    ec = run(impl, op, !impl.user_non_blocking());
    if (ec) {
      if (op.accepted >= 0) {
        error_code ignored;
        ds::close(op.accepted, ignored);
      }
      return -1;
    }
    if (peer_endpoint && op.address_length) take_address(op, *peer_endpoint);
    return op.accepted;
  }

  // --- asynchronous operations: each starts a ds_op the backend delivers once ---
  template <typename Handler, typename Executor, typename Endpoint>
  static void async_connect(socket_impl& impl, const Endpoint& peer, const error_code& open_ec,
                            Handler&& handler, const Executor& ex) {
    using op = io_op<connect_op_base, std::decay_t<Handler>, Executor>;
    op* p = op::make(std::forward<Handler>(handler), ex, peer);
    if (open_ec) return post_result(impl, p, open_ec);
    start_op(impl, p);
  }
  template <typename Handler, typename Executor, typename Buffers>
  static void async_send(socket_impl& impl, const Buffers& buffers, int, bool is_stream,
                         Handler&& handler, const Executor& ex) {
    using op = io_op<send_op_base<Buffers>, std::decay_t<Handler>, Executor>;
    op* p = op::make(std::forward<Handler>(handler), ex, buffers);
    if (is_stream && !p->length && impl.is_open()) return post_result(impl, p, error_code());
    start_op(impl, p);
  }
  template <typename Handler, typename Executor, typename Buffers>
  static void async_receive(socket_impl& impl, const Buffers& buffers, int flags, bool is_stream,
                            Handler&& handler, const Executor& ex) {
    using op = io_op<receive_op_base<Buffers>, std::decay_t<Handler>, Executor>;
    op* p = op::make(std::forward<Handler>(handler), ex, buffers);
    if (is_stream && (flags & boost::asio::socket_base::message_out_of_band) != 0)
      return post_result(impl, p, boost::asio::error::operation_not_supported);
    if (is_stream && !p->length && impl.is_open()) return post_result(impl, p, error_code());
    start_op(impl, p);
  }
  template <typename Handler, typename Executor, typename Buffers, typename Endpoint>
  static void async_send_to(socket_impl& impl, const Buffers& buffers, const Endpoint& destination,
                            int, Handler&& handler, const Executor& ex) {
    using op = io_op<send_to_op_base<Buffers, Endpoint>, std::decay_t<Handler>, Executor>;
    start_op(impl, op::make(std::forward<Handler>(handler), ex, buffers, destination));
  }
  template <typename Handler, typename Executor, typename Buffers, typename Endpoint>
  static void async_receive_from(socket_impl& impl, const Buffers& buffers, Endpoint& sender, int,
                                 Handler&& handler, const Executor& ex) {
    using op = io_op<receive_from_op_base<Buffers, Endpoint>, std::decay_t<Handler>, Executor>;
    start_op(impl, op::make(std::forward<Handler>(handler), ex, buffers, sender));
  }
  // Accepts into an existing socket object (its assign_accepted takes the descriptor).
  template <typename Handler, typename Executor, typename Socket, typename Endpoint>
  static void async_accept_into(socket_impl& impl, Socket& peer, Endpoint* peer_endpoint,
                                Handler&& handler, const Executor& ex) {
    using op = io_op<accept_into_op_base<Socket, Endpoint>, std::decay_t<Handler>, Executor>;
    op* p = op::make(std::forward<Handler>(handler), ex, peer, peer_endpoint);
    if (peer.is_open()) return post_result(impl, p, boost::asio::error::already_open);
    start_op(impl, p);
  }
  // Accepts into a new socket object of type Socket on `peer_ex`.
  template <typename Socket, typename Handler, typename Executor, typename PeerExecutor,
            typename Endpoint>
  static void async_accept_move(socket_impl& impl, const PeerExecutor& peer_ex,
                                Endpoint* peer_endpoint, Handler&& handler, const Executor& ex) {
    using op = io_op<accept_move_op_base<Socket, Endpoint>, std::decay_t<Handler>, Executor>;
    start_op(impl, op::make(std::forward<Handler>(handler), ex, peer_ex, peer_endpoint));
  }
  template <typename Handler, typename Executor>
  static void async_wait(socket_impl& impl, int w, Handler&& handler, const Executor& ex) {
    using op = io_op<wait_op_base, std::decay_t<Handler>, Executor>;
    start_op(impl, op::make(std::forward<Handler>(handler), ex, w));
  }

 private:
  static bool open_or_fail(const socket_impl& impl, error_code& ec) {
    if (impl.is_open()) return true;
    ec = boost::asio::error::bad_descriptor;
    return false;
  }
  static std::size_t nothing_to_do(const socket_impl& impl, error_code& ec) {
    if (open_or_fail(impl, ec)) ec.clear();
    return 0;
  }
  static error_code run(socket_impl& impl, sync_op& op, bool may_wait) {
    if (!impl.is_open()) return boost::asio::error::bad_descriptor;
    perform(impl.native_handle(), op, may_wait);
    return op.ec_;
  }
  template <typename Op>
  static void post_result(socket_impl& impl, Op* op, const error_code& ec) {
    op->ec_ = ec;
    impl.get_scheduler().post_immediate_completion(op);
  }
  // Counts the op as work, installs its per-operation cancellation and hands it to the backend,
  // which delivers it exactly once (perhaps at once).
  template <typename Op>
  static void start_op(socket_impl& impl, Op* op) {
    if (!impl.is_open()) return post_result(impl, op, boost::asio::error::bad_descriptor);
    op->owner = impl.owner();
    op->set_cancellation(cancellation{impl.native_handle(), op->direction});
    impl.get_scheduler().work_started();
    ds::start(impl.native_handle(), op);
  }

  struct cancellation {
    int fd;
    int dir;
    void operator()(boost::asio::cancellation_type_t type) {
      using ct = boost::asio::cancellation_type;
      if ((type & (ct::terminal | ct::partial | ct::total)) != ct::none) cancel_op(fd, dir, this);
    }
  };

  template <typename Endpoint, typename Query>
  static Endpoint endpoint_of(const socket_impl& impl, Query query, error_code& ec) {
    if (!open_or_fail(impl, ec)) return Endpoint();
    Endpoint ep;
    std::size_t len = ep.capacity();
    query(impl.native_handle(), ep.data(), &len, ec);
    if (ec) return Endpoint();
    ep.resize(len);
    return ep;
  }
};

}  // namespace asio_directsockets::detail::ds
