#include <asio_directsockets/detail/backend/poll/socket_ops.hpp>

#include <boost/asio/error.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>
#if defined(__EMSCRIPTEN__)
// Browser builds use these calls for plain fds (pipes, stdin) only; sockets are the Direct
// Sockets backend's. One bridge import helps with Emscripten's pipes (ads_pipe_eof).
#include <asio_directsockets/detail/backend/direct_sockets/bridge.hpp>
#endif

#include <cerrno>
#include <climits>

namespace asio_directsockets::detail::socket_ops {

namespace {

error_code errno_code(int e) {
  return error_code(e, boost::asio::error::get_system_category());
}

bool would_block(int e) {
  return e == EAGAIN || e == EWOULDBLOCK;
}

#if defined(MSG_NOSIGNAL)
constexpr int send_flags = MSG_NOSIGNAL;  // EPIPE instead of SIGPIPE
#else
constexpr int send_flags = 0;
#endif

// One non-blocking transfer call, retried on EINTR. False: would block, try
// again when ready. True: finished, with bytes and ec set.
template <typename Call>
bool transfer(Call&& call, error_code& ec, std::size_t& bytes) {
  for (;;) {
    const ssize_t r = call();
    if (r >= 0) {
      bytes = static_cast<std::size_t>(r);
      ec.clear();
      return true;
    }
    if (errno == EINTR) continue;
    if (would_block(errno)) return false;
    ec = errno_code(errno);
    bytes = 0;
    return true;
  }
}

// Empty buffers: finished at once with nothing transferred.
bool nothing_to_do(error_code& ec, std::size_t& bytes) {
  ec.clear();
  bytes = 0;
  return true;
}

}  // namespace

error_code last_error() {
  return errno_code(errno);
}

int socket(int family, int type, int protocol, error_code& ec) {
#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK)
  int fd = ::socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol);
#else
  int fd = ::socket(family, type, protocol);
#endif
  if (fd < 0) {
    ec = last_error();
    return -1;
  }
#if !(defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK))
  set_internal_non_blocking(fd, ec);
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
#endif
#if defined(SO_NOSIGPIPE)
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
  ec.clear();
  return fd;
}

void close(int fd, error_code& ec) {
  ec.clear();
  if (fd < 0) return;
  // EINTR still closes the descriptor on Linux; retrying could close another.
  if (::close(fd) != 0 && errno != EINTR) ec = last_error();
}

void set_internal_non_blocking(int fd, error_code& ec) {
  int flags = ::fcntl(fd, F_GETFL, 0);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
    ec = last_error();
  else
    ec.clear();
}

void bind(int fd, const sockaddr* addr, std::size_t len, error_code& ec) {
  if (::bind(fd, addr, static_cast<socklen_t>(len)) != 0)
    ec = last_error();
  else
    ec.clear();
}

void listen(int fd, int backlog, error_code& ec) {
  if (::listen(fd, backlog) != 0)
    ec = last_error();
  else
    ec.clear();
}

bool start_connect(int fd, const sockaddr* addr, std::size_t len, error_code& ec) {
  if (::connect(fd, addr, static_cast<socklen_t>(len)) == 0) {
    ec.clear();
    return true;
  }
  int e = errno;
  if (e == EINPROGRESS || e == EINTR || would_block(e)) return false;
  ec = errno_code(e);
  return true;
}

void connect_result(int fd, error_code& ec) {
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
    ec = last_error();
  else if (err)
    ec = errno_code(err);
  else
    ec.clear();
}

void shutdown(int fd, int what, error_code& ec) {
  if (::shutdown(fd, what) != 0)
    ec = last_error();
  else
    ec.clear();
}

void getsockopt(int fd, int level, int name, void* data, std::size_t* size, error_code& ec) {
  socklen_t len = static_cast<socklen_t>(*size);
  if (::getsockopt(fd, level, name, data, &len) != 0) {
    ec = last_error();
    return;
  }
  *size = len;
#if defined(__linux__)
  // Linux reports twice the buffer size it was given; report what was set,
  // as Boost.Asio does, so set/get round-trips.
  if (level == SOL_SOCKET && (name == SO_SNDBUF || name == SO_RCVBUF) && len == sizeof(int))
    *static_cast<int*>(data) /= 2;
#endif
  ec.clear();
}

void setsockopt(int fd, int level, int name, const void* data, std::size_t size, error_code& ec) {
  if (::setsockopt(fd, level, name, data, static_cast<socklen_t>(size)) != 0)
    ec = last_error();
  else
    ec.clear();
}

void getsockname(int fd, sockaddr* addr, std::size_t* len, error_code& ec) {
  socklen_t l = static_cast<socklen_t>(*len);
  if (::getsockname(fd, addr, &l) != 0) {
    ec = last_error();
    return;
  }
  *len = l;
  ec.clear();
}

void getpeername(int fd, sockaddr* addr, std::size_t* len, error_code& ec) {
  socklen_t l = static_cast<socklen_t>(*len);
  if (::getpeername(fd, addr, &l) != 0) {
    ec = last_error();
    return;
  }
  *len = l;
  ec.clear();
}

std::size_t available(int fd, error_code& ec) {
  int n = 0;
  if (::ioctl(fd, FIONREAD, &n) != 0) {
    ec = last_error();
    return 0;
  }
  ec.clear();
  return n < 0 ? 0 : static_cast<std::size_t>(n);
}

void io_control(int fd, int command, void* data, error_code& ec) {
  if (::ioctl(fd, command, data) != 0)
    ec = last_error();
  else
    ec.clear();
}

bool at_mark(int fd, error_code& ec) {
#if defined(SIOCATMARK)
  int mark = 0;
  if (::ioctl(fd, SIOCATMARK, &mark) != 0) {
    ec = last_error();
    return false;
  }
  ec.clear();
  return mark != 0;
#else
  ec = boost::asio::error::operation_not_supported;
  return false;
#endif
}

bool recv(int fd, iovec* iov, std::size_t n, int flags, bool is_stream, bool all_empty,
          error_code& ec, std::size_t& bytes) {
  // A zero-length stream read completes at once, as in Asio.
  if (is_stream && all_empty) return nothing_to_do(ec, bytes);
  // One buffer (the common case) takes recv(): the kernel then skips copying
  // in and checking a msghdr and an iovec array on every call, as Asio does.
  const auto call = [&] {
    if (n == 1) return ::recv(fd, iov[0].iov_base, iov[0].iov_len, flags);
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = n;
    return ::recvmsg(fd, &msg, flags);
  };
  if (!transfer(call, ec, bytes)) return false;
  // A truncated datagram is reported as success with the bytes that fit,
  // exactly as Boost.Asio does on POSIX (MSG_TRUNC is not surfaced).
  if (!ec && bytes == 0 && is_stream) ec = boost::asio::error::eof;
  return true;
}

bool send(int fd, const iovec* iov, std::size_t n, int flags, bool all_empty, error_code& ec,
          std::size_t& bytes) {
  if (all_empty) return nothing_to_do(ec, bytes);
  const auto call = [&] {
    if (n == 1) return ::send(fd, iov[0].iov_base, iov[0].iov_len, flags | send_flags);
    msghdr msg{};
    msg.msg_iov = const_cast<iovec*>(iov);
    msg.msg_iovlen = n;
    return ::sendmsg(fd, &msg, flags | send_flags);
  };
  return transfer(call, ec, bytes);
}

bool recvfrom(int fd, iovec* iov, std::size_t n, int flags, sockaddr* addr, std::size_t* addrlen,
              error_code& ec, std::size_t& bytes) {
  socklen_t len = static_cast<socklen_t>(*addrlen);
  const auto call = [&] {
    if (n == 1) return ::recvfrom(fd, iov[0].iov_base, iov[0].iov_len, flags, addr, &len);
    msghdr msg{};
    msg.msg_name = addr;
    msg.msg_namelen = len;
    msg.msg_iov = iov;
    msg.msg_iovlen = n;
    const ssize_t r = ::recvmsg(fd, &msg, flags);
    len = msg.msg_namelen;
    return r;
  };
  if (!transfer(call, ec, bytes)) return false;
  if (!ec) *addrlen = len;
  return true;
}

bool sendto(int fd, const iovec* iov, std::size_t n, int flags, const sockaddr* addr,
            std::size_t addrlen, error_code& ec, std::size_t& bytes) {
  const auto call = [&] {
    if (n == 1)
      return ::sendto(fd, iov[0].iov_base, iov[0].iov_len, flags | send_flags, addr,
                      static_cast<socklen_t>(addrlen));
    msghdr msg{};
    msg.msg_name = const_cast<sockaddr*>(addr);
    msg.msg_namelen = static_cast<socklen_t>(addrlen);
    msg.msg_iov = const_cast<iovec*>(iov);
    msg.msg_iovlen = n;
    return ::sendmsg(fd, &msg, flags | send_flags);
  };
  return transfer(call, ec, bytes);
}

bool accept(int fd, sockaddr* addr, std::size_t* addrlen, error_code& ec, int& new_fd,
            bool report_aborted) {
  for (;;) {
    socklen_t len = addrlen ? static_cast<socklen_t>(*addrlen) : 0;
#if defined(__linux__)
    int r = ::accept4(fd, addr, addrlen ? &len : nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
    int r = ::accept(fd, addr, addrlen ? &len : nullptr);
#endif
    if (r >= 0) {
#if !defined(__linux__)
      set_internal_non_blocking(r, ec);
#endif
      if (addrlen) *addrlen = len;
      new_fd = r;
      ec.clear();
      return true;
    }
    int e = errno;
    if (e == EINTR) continue;
    if (would_block(e)) return false;
    // A connection reset before accept() must not fail the acceptor; Asio retries these
    // too, unless the acceptor's enable_connection_aborted option asks to hear of them.
    if ((e == ECONNABORTED || e == EPROTO) && !report_aborted) return false;
    ec = errno_code(e);
    new_fd = -1;
    return true;
  }
}

bool read(int fd, iovec* iov, std::size_t n, bool all_empty, error_code& ec, std::size_t& bytes) {
  if (all_empty) return nothing_to_do(ec, bytes);
  if (!transfer([&] { return ::readv(fd, iov, static_cast<int>(n)); }, ec, bytes)) {
#if defined(__EMSCRIPTEN__)
    // Emscripten 3.1.6's pipes answer EAGAIN instead of 0 once the write end is closed.
    if (ads_pipe_eof(fd)) {
      ec = boost::asio::error::eof;
      bytes = 0;
      return true;
    }
#endif
    return false;
  }
  if (!ec && bytes == 0) ec = boost::asio::error::eof;
  return true;
}

bool write(int fd, const iovec* iov, std::size_t n, bool all_empty, error_code& ec,
           std::size_t& bytes) {
  if (all_empty) return nothing_to_do(ec, bytes);
  return transfer([&] { return ::writev(fd, iov, static_cast<int>(n)); }, ec, bytes);
}

bool poll_ready(int fd, wait_kind kind, error_code& ec) {
  ec.clear();
#if defined(__EMSCRIPTEN__)
  // Plain fds in the browser are retried on every pass of the loop: ask without waiting.
  pollfd p{fd,
           static_cast<short>(kind == wait_kind::read    ? POLLIN
                              : kind == wait_kind::write ? POLLOUT
                                                         : POLLPRI),
           0};
  if (::poll(&p, 1, 0) > 0 && p.revents) return true;
  return kind == wait_kind::read && ads_pipe_eof(fd);
#else
  (void)fd;
  (void)kind;
  return true;
#endif
}

void poll_wait(int fd, wait_kind kind, error_code& ec) {
  pollfd p{fd,
           static_cast<short>(kind == wait_kind::read    ? POLLIN
                              : kind == wait_kind::write ? POLLOUT
                                                         : POLLPRI),
           0};
  for (;;) {
    int r = ::poll(&p, 1, -1);
    if (r >= 0) {
      ec.clear();
      return;
    }
    if (errno != EINTR) {
      ec = last_error();
      return;
    }
  }
}

}  // namespace asio_directsockets::detail::socket_ops
