// Sockets of the Direct Sockets backend behind POSIX-like calls. Every socket
// is a pseudo descriptor (>= first_fd) whose state lives here; the poll
// backend's socket_ops route these descriptors here, so the public I/O
// objects and their operations are the same as natively.
//
// Each call is non-blocking. A read, write, accept or connect that cannot
// finish at once starts one JS operation into the caller's buffer and
// reports "would block"; when the JS operation completes, an event names the
// descriptor and direction, the reactor retries the operation at the front of
// that direction's queue, and this second call returns the result. Only one
// JS operation per direction is in flight, matching the reactor's FIFO.
#pragma once

#include <boost/system/error_code.hpp>

#include <sys/socket.h>
#include <sys/uio.h>
#include <chrono>
#include <cstddef>
#include <vector>

namespace asio_directsockets::detail::ds {

using boost::system::error_code;

constexpr int first_fd = 1 << 24;

// How long wasm may keep the browser's event loop waiting while handlers keep
// coming: socket completions arrive only when the loop runs, so a busy
// io_context yields to it after this long (callback and blocking mode).
constexpr std::chrono::milliseconds browser_time_slice{10};
inline bool is_ds(int fd) {
  return fd >= first_fd;
}

enum direction { read_direction = 0, write_direction = 1, except_direction = 2 };
struct event {
  int fd;
  int dir;
};

int socket(int family, int type, int protocol, error_code& ec);
void close(int fd, error_code& ec);
void bind(int fd, const sockaddr* addr, std::size_t len, error_code& ec);
void listen(int fd, int backlog, error_code& ec);
bool start_connect(int fd, const sockaddr* addr, std::size_t len, error_code& ec);
void connect_result(int fd, error_code& ec);
void shutdown(int fd, int what, error_code& ec);
void getsockopt(int fd, int level, int name, void* data, std::size_t* size, error_code& ec);
void setsockopt(int fd, int level, int name, const void* data, std::size_t size, error_code& ec);
void getsockname(int fd, sockaddr* addr, std::size_t* len, error_code& ec);
void getpeername(int fd, sockaddr* addr, std::size_t* len, error_code& ec);
std::size_t available(int fd, error_code& ec);
bool recv(int fd, iovec* iov, std::size_t n, bool is_stream, bool all_empty, error_code& ec,
          std::size_t& bytes);
bool send(int fd, const iovec* iov, std::size_t n, bool all_empty, error_code& ec,
          std::size_t& bytes);
bool recvfrom(int fd, iovec* iov, std::size_t n, sockaddr* addr, std::size_t* addrlen,
              error_code& ec, std::size_t& bytes);
bool sendto(int fd, const iovec* iov, std::size_t n, const sockaddr* addr, std::size_t addrlen,
            error_code& ec, std::size_t& bytes);
bool accept(int fd, sockaddr* addr, std::size_t* addrlen, error_code& ec, int& new_fd);

// Readiness (async_wait): true when fd is ready in direction dir (ec says how), false after
// starting a JS readiness operation, whose completion is an event like any other.
bool poll(int fd, int dir, error_code& ec);

// The reactor aborted the queued ops of fd in direction dir (-1: every direction): JS must
// let go of their buffers. JS operations of the other directions are restarted.
void cancel(int fd, int dir);

// Synchronous calls that must not leave a JS operation behind (user non-blocking mode, and
// callback mode, where nothing can wait): while a try_scope is active, reads and writes make
// one non-blocking attempt that keeps no pointer.
class try_scope {
 public:
  explicit try_scope(bool on);
  ~try_scope();
  try_scope(const try_scope&) = delete;
  try_scope& operator=(const try_scope&) = delete;

 private:
  bool previous_;
};

// Delivers finished JS operations as readiness events (appends to events).
void take_events(std::vector<event>& events);
bool can_block();
// Blocking mode (-sASYNCIFY): sleeps on the JS event loop until a JS
// operation completes or timeout_ms passes (negative: no limit).
void wait(int timeout_ms);
// Blocking mode: lets the browser run one macrotask (promise callbacks of
// finished socket operations among them), then resumes.
void yield();
// Synchronous calls in blocking mode: waits until the JS operation in
// flight for fd in that direction has finished. would_block without ASYNCIFY.
void wait_ready(int fd, int dir, error_code& ec);
// Synchronous socket.wait(): blocks until fd is ready in direction dir.
void wait_poll(int fd, int dir, error_code& ec);

// Host names have no DNS API in a browser: the resolver hands out addresses
// in 240.0.0.0/8 that stand for a name, and connect() passes the name on.
unsigned name_to_synthetic_v4(const char* name);  // host byte order
const char* synthetic_v4_to_name(unsigned address);

}  // namespace asio_directsockets::detail::ds
