// The poll backend's operations: each makes one non-blocking system call in
// perform() and turns the outcome into the handler's arguments in
// take_result(). io_op<> adds the handler around them.
#pragma once

#include <asio_directsockets/detail/backend/poll/buffer_iov.hpp>
#include <asio_directsockets/detail/backend/poll/socket_ops.hpp>
#include <asio_directsockets/detail/reactor_op.hpp>

#include <boost/asio/error.hpp>

#include <tuple>
#include <utility>

namespace asio_directsockets::detail::backend {

using boost::system::error_code;

// Reads from a socket (recvmsg) or, with is_socket false, any fd (readv).
template <typename Buffers>
class read_op_base : public reactor_op {
 public:
  read_op_base(func_type complete, int fd, const Buffers& buffers, int flags, bool is_stream,
               bool is_socket)
      : reactor_op(&read_op_base::do_perform, complete),
        fd_(fd),
        buffers_(buffers),
        flags_(flags),
        is_stream_(is_stream),
        is_socket_(is_socket) {
    waits_for_stream_data_ = is_stream && boost::asio::buffer_size(buffers) != 0;
  }

  std::tuple<error_code, std::size_t> take_result(const error_code& ec, std::size_t n, bool) {
    return {ec, n};
  }

 private:
  static status do_perform(reactor_op* base) {
    auto* self = static_cast<read_op_base*>(base);
    mutable_iov<Buffers> b(self->buffers_);
    bool finished =
        self->is_socket_
            ? socket_ops::recv(self->fd_, b.iov, b.count, self->flags_, self->is_stream_,
                               b.all_empty(), self->ec_, self->bytes_)
            : socket_ops::read(self->fd_, b.iov, b.count, b.all_empty(), self->ec_, self->bytes_);
    if (!finished) return not_done;
    // Only a stream says it is drained by a short read (a datagram is one per call).
    const bool drained = self->is_stream_ && !self->ec_ && self->bytes_ < b.total;
    return drained ? done_and_exhausted : done;
  }

  int fd_;
  Buffers buffers_;
  int flags_;
  bool is_stream_;
  bool is_socket_;
};

template <typename Buffers>
class write_op_base : public reactor_op {
 public:
  write_op_base(func_type complete, int fd, const Buffers& buffers, int flags, bool is_stream,
                bool is_socket)
      : reactor_op(&write_op_base::do_perform, complete),
        fd_(fd),
        buffers_(buffers),
        flags_(flags),
        is_stream_(is_stream),
        is_socket_(is_socket) {}

  std::tuple<error_code, std::size_t> take_result(const error_code& ec, std::size_t n, bool) {
    return {ec, n};
  }

 private:
  static status do_perform(reactor_op* base) {
    auto* self = static_cast<write_op_base*>(base);
    const_iov<Buffers> b(self->buffers_);
    // An empty datagram is a real datagram; only streams skip the call.
    bool skip = self->is_stream_ && b.all_empty();
    bool finished = self->is_socket_ ? socket_ops::send(self->fd_, b.iov, b.count, self->flags_,
                                                        skip, self->ec_, self->bytes_)
                                     : socket_ops::write(self->fd_, b.iov, b.count, skip, self->ec_,
                                                         self->bytes_);
    return finished ? done : not_done;
  }

  int fd_;
  Buffers buffers_;
  int flags_;
  bool is_stream_;
  bool is_socket_;
};

template <typename Buffers, typename Endpoint>
class receive_from_op_base : public reactor_op {
 public:
  receive_from_op_base(func_type complete, int fd, const Buffers& buffers, Endpoint& sender,
                       int flags)
      : reactor_op(&receive_from_op_base::do_perform, complete),
        fd_(fd),
        buffers_(buffers),
        sender_(sender),
        flags_(flags) {}

  std::tuple<error_code, std::size_t> take_result(const error_code& ec, std::size_t n, bool) {
    return {ec, n};
  }

 private:
  static status do_perform(reactor_op* base) {
    auto* self = static_cast<receive_from_op_base*>(base);
    mutable_iov<Buffers> b(self->buffers_);
    std::size_t len = self->sender_.capacity();
    if (!socket_ops::recvfrom(self->fd_, b.iov, b.count, self->flags_, self->sender_.data(), &len,
                              self->ec_, self->bytes_))
      return not_done;
    if (!self->ec_) self->sender_.resize(len);
    return done;
  }

  int fd_;
  Buffers buffers_;
  Endpoint& sender_;
  int flags_;
};

template <typename Buffers, typename Endpoint>
class send_to_op_base : public reactor_op {
 public:
  send_to_op_base(func_type complete, int fd, const Buffers& buffers, const Endpoint& destination,
                  int flags)
      : reactor_op(&send_to_op_base::do_perform, complete),
        fd_(fd),
        buffers_(buffers),
        destination_(destination),
        flags_(flags) {}

  std::tuple<error_code, std::size_t> take_result(const error_code& ec, std::size_t n, bool) {
    return {ec, n};
  }

 private:
  static status do_perform(reactor_op* base) {
    auto* self = static_cast<send_to_op_base*>(base);
    const_iov<Buffers> b(self->buffers_);
    return socket_ops::sendto(self->fd_, b.iov, b.count, self->flags_, self->destination_.data(),
                              self->destination_.size(), self->ec_, self->bytes_)
               ? done
               : not_done;
  }

  int fd_;
  Buffers buffers_;
  Endpoint destination_;
  int flags_;
};

// Completes once the socket is writable; the result is SO_ERROR.
class connect_op_base : public reactor_op {
 public:
  connect_op_base(func_type complete, int fd)
      : reactor_op(&connect_op_base::do_perform, complete), fd_(fd) {}

  std::tuple<error_code> take_result(const error_code& ec, std::size_t, bool) { return {ec}; }

 private:
  static status do_perform(reactor_op* base) {
    auto* self = static_cast<connect_op_base*>(base);
    socket_ops::connect_result(self->fd_, self->ec_);
    return done;
  }

  int fd_;
};

// socket.async_wait / descriptor.async_wait: readiness only. Natively it is performed once
// poll(2) reported the readiness; in the browser build fd_impl names the descriptor, whose
// readiness is then asked for on each pass (socket_ops::poll_ready).
class wait_op_base : public reactor_op {
 public:
  explicit wait_op_base(func_type complete) : reactor_op(&wait_op_base::do_perform, complete) {}

  std::tuple<error_code> take_result(const error_code& ec, std::size_t, bool) { return {ec}; }
  void set_target(int fd, socket_ops::wait_kind kind) {
    fd_ = fd;
    kind_ = kind;
  }

 private:
  static status do_perform(reactor_op* base) {
    auto* self = static_cast<wait_op_base*>(base);
    if (self->fd_ < 0) return done;
    return socket_ops::poll_ready(self->fd_, self->kind_, self->ec_) ? done : not_done;
  }

  int fd_ = -1;
  socket_ops::wait_kind kind_ = socket_ops::wait_kind::read;
};

// Accepts one connection. The new descriptor is handed to a socket object in
// take_result(), on the completing thread, never under the reactor's lock.
template <typename Endpoint>
class accept_op_core : public reactor_op {
 protected:
  accept_op_core(func_type complete, int fd, bool report_aborted, Endpoint* peer_endpoint)
      : reactor_op(&accept_op_core::do_perform, complete),
        fd_(fd),
        report_aborted_(report_aborted),
        peer_endpoint_(peer_endpoint) {}

  ~accept_op_core() {
    if (new_fd_ >= 0) {  // accepted but never delivered (shutdown, errors)
      error_code ignored;
      socket_ops::close(new_fd_, ignored);
    }
  }

  int release_fd() {
    int fd = new_fd_;
    new_fd_ = -1;
    return fd;
  }

 private:
  static status do_perform(reactor_op* base) {
    auto* self = static_cast<accept_op_core*>(base);
    Endpoint tmp;
    Endpoint& ep = self->peer_endpoint_ ? *self->peer_endpoint_ : tmp;
    std::size_t len = ep.capacity();
    if (!socket_ops::accept(self->fd_, ep.data(), &len, self->ec_, self->new_fd_,
                            self->report_aborted_))
      return not_done;
    if (!self->ec_) ep.resize(len);
    return done;
  }

  int fd_;
  bool report_aborted_;
  Endpoint* peer_endpoint_;
  int new_fd_ = -1;
};

// async_accept(peer_socket, ...): fills a socket the caller owns.
template <typename Socket, typename Endpoint>
class accept_into_op_base : public accept_op_core<Endpoint> {
 public:
  accept_into_op_base(reactor_op::func_type complete, int fd, bool report_aborted, Socket& peer,
                      Endpoint* peer_endpoint)
      : accept_op_core<Endpoint>(complete, fd, report_aborted, peer_endpoint), peer_(peer) {}

  std::tuple<error_code> take_result(error_code ec, std::size_t, bool invoking) {
    if (!ec && invoking) peer_.assign_accepted(this->release_fd(), ec);
    return {ec};
  }

 private:
  Socket& peer_;
};

// async_accept(...) -> (ec, socket): makes the socket on completion.
template <typename Socket, typename Endpoint>
class accept_move_op_base : public accept_op_core<Endpoint> {
 public:
  accept_move_op_base(reactor_op::func_type complete, int fd, bool report_aborted,
                      const typename Socket::executor_type& ex, Endpoint* peer_endpoint)
      : accept_op_core<Endpoint>(complete, fd, report_aborted, peer_endpoint), ex_(ex) {}

  std::tuple<error_code, Socket> take_result(error_code ec, std::size_t, bool invoking) {
    Socket peer(ex_);
    if (!ec && invoking) peer.assign_accepted(this->release_fd(), ec);
    return {ec, std::move(peer)};
  }

 private:
  typename Socket::executor_type ex_;
};

// Reports a result decided at initiation (bad descriptor, zero-size...).
template <typename... Results>
class immediate_op_base : public reactor_op {
 public:
  immediate_op_base(func_type complete, Results... results)
      : reactor_op(&immediate_op_base::do_perform, complete), results_(std::move(results)...) {}

  auto take_result(const error_code& ec, std::size_t, bool) {
    return std::tuple_cat(std::make_tuple(ec), std::move(results_));
  }

 private:
  static status do_perform(reactor_op*) { return done; }
  std::tuple<Results...> results_;
};

}  // namespace asio_directsockets::detail::backend
