// One socket as the Direct Sockets service sees it: the backend descriptor
// it owns and the mode flag Asio tracks. The counterpart of the poll
// backend's fd_impl, with the same members the public I/O objects use.
#pragma once

#include <asio_directsockets/detail/backend/direct_sockets/backend.hpp>
#include <asio_directsockets/detail/scheduler.hpp>

#include <boost/asio/error.hpp>

#include <utility>

namespace asio_directsockets::detail::ds {

class socket_impl {
 public:
  explicit socket_impl(scheduler& s) noexcept : scheduler_(&s) {}
  socket_impl(const socket_impl&) = delete;
  socket_impl& operator=(const socket_impl&) = delete;
  socket_impl(socket_impl&& other) noexcept
      : scheduler_(other.scheduler_),
        fd_(std::exchange(other.fd_, -1)),
        user_non_blocking_(std::exchange(other.user_non_blocking_, false)),
        reports_connection_aborted_(std::exchange(other.reports_connection_aborted_, false)) {}
  socket_impl& operator=(socket_impl&& other) noexcept {
    if (this != &other) {
      error_code ignored;
      close(ignored);
      scheduler_ = other.scheduler_;
      fd_ = std::exchange(other.fd_, -1);
      user_non_blocking_ = std::exchange(other.user_non_blocking_, false);
      reports_connection_aborted_ = std::exchange(other.reports_connection_aborted_, false);
    }
    return *this;
  }
  ~socket_impl() {
    error_code ignored;
    close(ignored);
  }

  bool is_open() const noexcept { return fd_ >= 0; }
  int native_handle() const noexcept { return fd_; }
  scheduler& get_scheduler() const noexcept { return *scheduler_; }
  // Where this socket's finished operations go.
  void* owner() const noexcept { return &scheduler_->get_reactor(); }

  // Takes a descriptor of this backend (open(), an accept, release()).
  void assign(int fd, error_code& ec) {
    if (is_open()) {
      ec = boost::asio::error::already_open;
      return;
    }
    if (!is_descriptor(fd)) {
      ec = boost::asio::error::bad_descriptor;  // not a Direct Sockets socket of this program
      return;
    }
    fd_ = fd;
    ec.clear();
  }

  // Pending operations complete with operation_aborted.
  void close(error_code& ec) {
    ec.clear();
    if (!is_open()) return;
    ds::close(std::exchange(fd_, -1), ec);
    user_non_blocking_ = false;
    reports_connection_aborted_ = false;
  }

  // Gives the descriptor up (pending operations are aborted); it can be assigned again.
  int release(error_code& ec) {
    if (!is_open()) {
      ec = boost::asio::error::bad_descriptor;
      return -1;
    }
    ds::cancel(fd_);
    ec.clear();
    user_non_blocking_ = false;
    reports_connection_aborted_ = false;
    return std::exchange(fd_, -1);
  }

  void cancel(error_code& ec) {
    if (!is_open()) {
      ec = boost::asio::error::bad_descriptor;
      return;
    }
    if (ds::cancel(fd_))
      ec.clear();
    else
      ec = ds::wrong_thread();  // post the cancel to the thread that runs the context
  }

  // An acceptor's enable_connection_aborted option. Kept and reported back; it changes
  // nothing here, since Chromium never hands out a connection aborted in the backlog.
  bool reports_connection_aborted() const noexcept { return reports_connection_aborted_; }
  void set_reports_connection_aborted(bool on) noexcept { reports_connection_aborted_ = on; }

  bool user_non_blocking() const noexcept { return user_non_blocking_; }
  void set_user_non_blocking(bool mode, error_code& ec) {
    if (!is_open()) {
      ec = boost::asio::error::bad_descriptor;
      return;
    }
    user_non_blocking_ = mode;
    ec.clear();
  }

  // socket.wait(): blocks until the socket is ready in direction w (read 0, write 1, error 2).
  void wait(int w, error_code& ec) {
    if (!is_open()) {
      ec = boost::asio::error::bad_descriptor;
      return;
    }
    sync_op op(op_kind::wait, w);
    perform(fd_, op, true);  // as natively, wait() blocks in non-blocking mode too
    ec = op.ec_;
  }

 private:
  scheduler* scheduler_;
  int fd_ = -1;
  bool user_non_blocking_ = false;
  bool reports_connection_aborted_ = false;
};

}  // namespace asio_directsockets::detail::ds
