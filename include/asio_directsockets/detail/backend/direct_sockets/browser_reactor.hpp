// The browser build's reactor: the poll backend's reactor for timers and
// plain fds (pipes, stdin), plus the Direct Sockets backend's completions,
// which arrive finished (no readiness to wait for), and the browser's event
// loop as the only place to wait: sleeping in it in blocking mode (ASYNCIFY
// or JSPI), returning to it in callback mode (browser_loop.hpp).
#pragma once

#include <asio_directsockets/detail/backend/direct_sockets/cross_thread_wake.hpp>
#include <asio_directsockets/detail/backend/direct_sockets/ds_op.hpp>
#include <asio_directsockets/detail/backend/poll/poll_reactor.hpp>

#include <chrono>
#include <mutex>

namespace asio_directsockets::detail::ds {

class browser_reactor : public backend::poll_reactor {
 public:
  explicit browser_reactor(scheduler& owner);
  ~browser_reactor();

  // As poll_reactor::run: moves finished operations to `completed`, waiting up to
  // timeout_usec when there are none. Returns false when it had to wait but cannot (callback
  // mode): the context is then attached to the browser's event loop.
  bool run(std::unique_lock<std::mutex>& lock, long long timeout_usec, op_queue& completed);
  // Work was posted: an attached context drains soon, a waiting runner wakes (also when the
  // poster is another thread: cross_thread_wake.hpp).
  void wake_runner(bool runner_waiting);
  // A Direct Sockets operation of this context finished (ds::deliver_to_owner).
  void deliver(ds_op* op);
  bool has_delivered() const { return !delivered_.empty(); }
  scheduler& context() const { return owner_; }
  void shutdown(op_queue& ops);

 private:
  void collect(op_queue& completed);

  scheduler& owner_;
  op_queue delivered_;
  cross_thread_wake cross_thread_;
  // When this thread last let the browser's event loop run (blocking mode).
  std::chrono::steady_clock::time_point last_event_loop_turn_;
  // browser_loop::drains_so_far() when run() last attached the context (callback mode).
  unsigned long attached_at_drain_ = 0;
};

}  // namespace asio_directsockets::detail::ds
