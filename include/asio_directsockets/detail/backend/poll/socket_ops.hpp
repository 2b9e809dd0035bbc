// Thin, error_code-returning wrappers over the POSIX socket calls used by the
// poll backend. Every descriptor is non-blocking; the "sync" helpers wait with
// poll(2) themselves, which is what Asio's blocking calls do.
#pragma once

#include <boost/system/error_code.hpp>

#include <sys/socket.h>
#include <sys/uio.h>
#include <cstddef>

namespace asio_directsockets::detail::socket_ops {

using boost::system::error_code;

constexpr std::size_t max_iov = 64;

error_code last_error();

int socket(int family, int type, int protocol, error_code& ec);
// Closes fd. An error is reported but the descriptor is gone either way.
void close(int fd, error_code& ec);
void set_internal_non_blocking(int fd, error_code& ec);
void bind(int fd, const sockaddr* addr, std::size_t len, error_code& ec);
void listen(int fd, int backlog, error_code& ec);
// Non-blocking connect: true when finished (ec says how), false when in progress.
bool start_connect(int fd, const sockaddr* addr, std::size_t len, error_code& ec);
// Result of an in-progress connect once the socket is writable.
void connect_result(int fd, error_code& ec);
void shutdown(int fd, int what, error_code& ec);
void getsockopt(int fd, int level, int name, void* data, std::size_t* size, error_code& ec);
void setsockopt(int fd, int level, int name, const void* data, std::size_t size, error_code& ec);
void getsockname(int fd, sockaddr* addr, std::size_t* len, error_code& ec);
void getpeername(int fd, sockaddr* addr, std::size_t* len, error_code& ec);
std::size_t available(int fd, error_code& ec);
// ioctl(2) with an Asio IoControlCommand's name and data.
void io_control(int fd, int command, void* data, error_code& ec);
bool at_mark(int fd, error_code& ec);

// One non-blocking attempt each: false means "would block, wait and retry".
// A stream read of 0 bytes into a non-empty buffer reports eof.
bool recv(int fd, iovec* iov, std::size_t n, int flags, bool is_stream, bool all_empty,
          error_code& ec, std::size_t& bytes);
bool send(int fd, const iovec* iov, std::size_t n, int flags, bool all_empty, error_code& ec,
          std::size_t& bytes);
bool recvfrom(int fd, iovec* iov, std::size_t n, int flags, sockaddr* addr, std::size_t* addrlen,
              error_code& ec, std::size_t& bytes);
bool sendto(int fd, const iovec* iov, std::size_t n, int flags, const sockaddr* addr,
            std::size_t addrlen, error_code& ec, std::size_t& bytes);
// A connection aborted while in the backlog is skipped (not done) unless report_aborted.
bool accept(int fd, sockaddr* addr, std::size_t* addrlen, error_code& ec, int& new_fd,
            bool report_aborted = false);
// Plain read()/write() for non-socket descriptors (pipes, ttys).
bool read(int fd, iovec* iov, std::size_t n, bool all_empty, error_code& ec, std::size_t& bytes);
bool write(int fd, const iovec* iov, std::size_t n, bool all_empty, error_code& ec,
           std::size_t& bytes);

// Blocks the calling thread until fd is ready (POLLIN/POLLOUT) or fails.
enum class wait_kind { read, write, error };
void poll_wait(int fd, wait_kind kind, error_code& ec);

// Whether a readiness wait (async_wait) on fd is satisfied. Natively the reactor only asks
// once poll(2) said so: always true. In a browser build (plain fds only) it asks without
// waiting, on every pass of the loop.
bool poll_ready(int fd, wait_kind kind, error_code& ec);

}  // namespace asio_directsockets::detail::socket_ops
