// One descriptor as the poll backend sees it: the fd, its reactor
// registration and the mode flags Asio tracks. Shared by sockets, acceptors
// and stream descriptors; the public I/O objects add the protocol on top.
#pragma once

#include <asio_directsockets/detail/backend/poll/socket_ops.hpp>
#include <asio_directsockets/detail/scheduler.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/posix/descriptor_base.hpp>
#include <boost/asio/socket_base.hpp>

#include <utility>

namespace asio_directsockets::detail::backend {

class fd_impl {
 public:
  explicit fd_impl(scheduler& s) noexcept : scheduler_(&s), context_(s.lifetime()) {}
  fd_impl(const fd_impl&) = delete;
  fd_impl& operator=(const fd_impl&) = delete;
  fd_impl(fd_impl&& other) noexcept
      : scheduler_(other.scheduler_),
        context_(other.context_),
        fd_(std::exchange(other.fd_, -1)),
        state_(std::exchange(other.state_, nullptr)),
        user_non_blocking_(std::exchange(other.user_non_blocking_, false)),
        reports_connection_aborted_(std::exchange(other.reports_connection_aborted_, false)),
        is_socket_(other.is_socket_) {}
  fd_impl& operator=(fd_impl&& other) noexcept {
    if (this != &other) {
      boost::system::error_code ignored;
      close(ignored);
      scheduler_ = other.scheduler_;
      context_ = other.context_;
      fd_ = std::exchange(other.fd_, -1);
      state_ = std::exchange(other.state_, nullptr);
      user_non_blocking_ = std::exchange(other.user_non_blocking_, false);
      reports_connection_aborted_ = std::exchange(other.reports_connection_aborted_, false);
      is_socket_ = other.is_socket_;
    }
    return *this;
  }
  ~fd_impl() {
    boost::system::error_code ignored;
    close(ignored);
  }

  bool is_open() const noexcept { return fd_ >= 0; }
  int native_handle() const noexcept { return fd_; }
  scheduler& get_scheduler() const noexcept { return *scheduler_; }
  poll_reactor& reactor() const noexcept { return scheduler_->get_reactor(); }

  // Takes ownership of an fd (already non-blocking or not; made so here).
  void assign(int fd, bool is_socket, boost::system::error_code& ec) {
    if (is_open()) {
      ec = boost::asio::error::already_open;
      return;
    }
    socket_ops::set_internal_non_blocking(fd, ec);
    if (ec) return;
    fd_ = fd;
    is_socket_ = is_socket;
    state_ = reactor().register_descriptor(fd);
  }

  // Pending operations complete with operation_aborted.
  void close(boost::system::error_code& ec) {
    ec.clear();
    if (!is_open()) return;
    forget_registration();
    socket_ops::close(std::exchange(fd_, -1), ec);
    user_non_blocking_ = false;
    reports_connection_aborted_ = false;
  }

  int release(boost::system::error_code& ec) {
    if (!is_open()) {
      ec = boost::asio::error::bad_descriptor;
      return -1;
    }
    forget_registration();
    ec.clear();
    user_non_blocking_ = false;
    reports_connection_aborted_ = false;
    return std::exchange(fd_, -1);
  }

  void cancel(boost::system::error_code& ec) {
    if (!is_open()) {
      ec = boost::asio::error::bad_descriptor;
      return;
    }
    reactor().cancel_ops(state_);
    ec.clear();
  }

  // An acceptor's enable_connection_aborted option: accept() reports a connection the peer
  // aborted while it waited in the backlog, instead of skipping it.
  bool reports_connection_aborted() const noexcept { return reports_connection_aborted_; }
  void set_reports_connection_aborted(bool on) noexcept { reports_connection_aborted_ = on; }

  bool user_non_blocking() const noexcept { return user_non_blocking_; }
  void set_user_non_blocking(bool mode, boost::system::error_code& ec) {
    if (!is_open()) {
      ec = boost::asio::error::bad_descriptor;
      return;
    }
    user_non_blocking_ = mode;
    ec.clear();
  }
  bool is_socket() const noexcept { return is_socket_; }

  // Starts op, or completes it with bad_descriptor when closed. The op's
  // per-operation cancellation handler is installed first.
  template <typename Op>
  void start_op(int op_type, Op* op, bool speculative) {
    if (!is_open()) {
      op->ec_ = boost::asio::error::bad_descriptor;
      scheduler_->post_immediate_completion(op);
      return;
    }
    op->set_cancellation(cancellation{&reactor(), state_, op_type});
    reactor().start_op(op_type, state_, op, speculative);
  }

  static_assert(boost::asio::socket_base::wait_read == 0 &&
                boost::asio::socket_base::wait_write == 1 &&
                boost::asio::socket_base::wait_error == 2 &&
                boost::asio::posix::descriptor_base::wait_read == 0 &&
                boost::asio::posix::descriptor_base::wait_write == 1);

  // wait()/async_wait() for every fd-based object; `w` is a socket_base or
  // descriptor_base wait_type (read 0, write 1, error 2 in both).
  void wait(int w, boost::system::error_code& ec) {
    if (!is_open()) {
      ec = boost::asio::error::bad_descriptor;
      return;
    }
    socket_ops::poll_wait(fd_, wait_kind_of(w), ec);
  }
  template <typename Op>
  void start_wait_op(int w, Op* op) {
    bool speculative = false;  // natively performed once poll(2) reported readiness
#if defined(__EMSCRIPTEN__)
    // No poll(2) in the browser: the op asks for the readiness itself, on every pass.
    op->set_target(fd_, wait_kind_of(w));
#endif
    start_op(w == 0   ? poll_reactor::read_op
             : w == 1 ? poll_reactor::write_op
                      : poll_reactor::except_op,
             op, speculative);
  }

  template <typename Op>
  void post_result(Op* op, const boost::system::error_code& ec) {
    op->ec_ = ec;
    scheduler_->post_immediate_completion(op);
  }

  // Blocking helper for the synchronous calls: retries `attempt` (one
  // non-blocking call returning true when finished) and waits with poll(2).
  template <typename Attempt>
  void sync_loop(socket_ops::wait_kind kind, boost::system::error_code& ec, Attempt&& attempt) {
    if (!is_open()) {
      ec = boost::asio::error::bad_descriptor;
      return;
    }
    for (;;) {
      if (attempt()) return;
      if (user_non_blocking_) {
        ec = boost::asio::error::would_block;
        return;
      }
      socket_ops::poll_wait(fd_, kind, ec);
      if (ec) return;
    }
  }

 private:
  static socket_ops::wait_kind wait_kind_of(int w) {
    return w == 0   ? socket_ops::wait_kind::read
           : w == 1 ? socket_ops::wait_kind::write
                    : socket_ops::wait_kind::error;
  }

  struct cancellation {
    poll_reactor* reactor;
    poll_reactor::descriptor_state* state;
    int op_type;
    void operator()(boost::asio::cancellation_type_t type) {
      using ct = boost::asio::cancellation_type;
      if ((type & (ct::terminal | ct::partial | ct::total)) != ct::none)
        reactor->cancel_by_key(state, op_type, this);
    }
  };

  // Drops this fd's reactor registration (aborting its pending operations). If the io_context
  // is already gone, so is the registration (the reactor freed it): there is nothing to drop.
  void forget_registration() {
    if (context_.alive())
      reactor().deregister_descriptor(state_);
    else
      state_ = nullptr;
  }

  scheduler* scheduler_;
  context_lifetime::watch context_;
  int fd_ = -1;
  poll_reactor::descriptor_state* state_ = nullptr;
  bool user_non_blocking_ = false;
  bool reports_connection_aborted_ = false;
  bool is_socket_ = true;
};

}  // namespace asio_directsockets::detail::backend
