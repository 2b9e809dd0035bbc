// The Direct Sockets backend below the socket service: its sockets
// (descriptors >= first_fd, each a record of this backend, never a POSIX fd)
// and their operations, on the JS bridge (bridge.hpp). Nothing here is a
// template; operations.hpp and socket_service.hpp put Asio's types on top.
//
// An operation starts with one bridge call (start()) and is delivered exactly
// once: to its owner's completion queue (deliver_to_owner) or, without an
// owner, by setting its `finished` flag. A completion from the bridge carries
// the operation's id straight to it (op_table.hpp); nothing is retried or
// polled.
#pragma once

#include <asio_directsockets/detail/backend/direct_sockets/ds_op.hpp>

#include <boost/system/error_code.hpp>

#include <sys/socket.h>

#include <chrono>
#include <cstddef>

namespace asio_directsockets::detail::ds {

using boost::system::error_code;

constexpr int first_fd = 1 << 24;

// How long wasm may keep the browser's event loop waiting while handlers keep
// coming: socket completions arrive only when the loop runs, so a busy
// io_context yields to it after this long (callback and blocking mode).
constexpr std::chrono::milliseconds browser_time_slice{10};

// --- sockets (descriptors.cpp) -----------------------------------------------
bool is_descriptor(int fd);
int open(int family, int type, error_code& ec);
// Pending operations complete with operation_aborted; the bridge lets go of their buffers.
void close(int fd, error_code& ec);
void bind(int fd, const sockaddr* addr, std::size_t len, error_code& ec);
void listen(int fd, int backlog, error_code& ec);
void shutdown(int fd, int what, error_code& ec);
void getsockopt(int fd, int level, int name, void* data, std::size_t* size, error_code& ec);
void setsockopt(int fd, int level, int name, const void* data, std::size_t size, error_code& ec);
void getsockname(int fd, sockaddr* addr, std::size_t* len, error_code& ec);
void getpeername(int fd, sockaddr* addr, std::size_t* len, error_code& ec);
std::size_t available(int fd, error_code& ec);

// -pthread builds: a socket's Direct Sockets object lives in the JS of one thread (the one
// that opened it, normally the one running its context); a call on it from another thread
// fails with this: errc::resource_deadlock_would_occur (docs/threading.md "In the browser").
error_code wrong_thread();

// --- operations (operations.cpp) ---------------------------------------------
// Starts op on fd (a connect is the socket's open). The op is delivered exactly once, possibly
// before start() returns (a result known at once). In -pthread builds an op whose socket lives
// in another thread's JS, or that would open it on a thread that does not run the context,
// is handed to the context instead (forward_to_owner) and starts there.
void start(int fd, ds_op* op);
#if defined(__EMSCRIPTEN_PTHREADS__)
// The start of an op that start() forwarded, now on a thread running the op's context (an
// op closed or cancelled meanwhile completes with operation_aborted).
void start_forwarded(int fd, ds_op* op);
// A forwarded op is destroyed unstarted (its context is going away).
void forget_forwarded(ds_op* op);
#endif
// Every pending operation of fd completes with operation_aborted. Operations whose bridge
// call has already finished complete with that result instead (the data has moved). False
// (nothing done) when fd is another thread's socket (-pthread builds).
bool cancel(int fd);
// Per-operation cancellation: the op of fd in `dir` (or the connect, dir == directions)
// installed with cancellation key `key`, if it is still pending.
void cancel_op(int fd, int dir, void* key);
// Whether operations of fd are pending in dir (a synchronous call there is already_started).
bool busy(int fd, int dir);
// A synchronous call: waits for the result when may_wait and the build can block; otherwise
// makes one attempt that keeps no pointer (would_block if it cannot finish now).
void perform(int fd, ds_op& op, bool may_wait);
// Collects every operation owned by `owner` (its context is being destroyed); the bridge lets
// go of their buffers.
void abandon_owner(void* owner, op_queue& ops);

// Implemented by the owner (the browser reactor; the fuzz harness natively).
void deliver_to_owner(ds_op* op);
#if defined(__EMSCRIPTEN_PTHREADS__)
// Whether the calling thread runs owner's context.
bool owner_runs_here(void* owner);
// Queues the start of op on owner's context: a thread running it calls start_forwarded.
void forward_to_owner(int fd, ds_op* op);
// Wakes the thread that runs owner's context (from any thread).
void wake_owner(void* owner);
#endif

// --- the event loop (operations.cpp) -----------------------------------------
// Delivers every completion the bridge has queued.
void take_completions();
bool can_block();
// Blocking mode: sleeps on the JS event loop until a completion is queued or timeout_ms passes
// (negative: no limit). Returns at once in callback mode.
void wait(int timeout_ms);
// Blocking mode: lets the browser run one macrotask (settled socket promises among them).
void yield();

// --- names (addresses.cpp) ---------------------------------------------------
// Host names have no DNS API in a browser: the resolver hands out addresses in 240.0.0.0/8
// that stand for a name, and connect() passes the name on.
unsigned name_to_synthetic_v4(const char* name);  // host byte order
const char* synthetic_v4_to_name(unsigned address);

}  // namespace asio_directsockets::detail::ds
