// The run loop behind io_context: a ready queue of completed operations, the
// outstanding-work count that keeps run() alive, and the backend reactor that
// turns readiness and timer expiry into completed operations.
#pragma once

#include <asio_directsockets/detail/backend/reactor.hpp>
#include <asio_directsockets/detail/context_lifetime.hpp>
#include <asio_directsockets/detail/operation.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>

namespace asio_directsockets::detail {

class scheduler {
 public:
  scheduler();
  scheduler(const scheduler&) = delete;
  scheduler& operator=(const scheduler&) = delete;
  ~scheduler();

  // Run-loop entry points with io_context's semantics.
  std::size_t run();
  std::size_t run_one();
  std::size_t run_until(std::chrono::steady_clock::time_point deadline);
  std::size_t run_one_until(std::chrono::steady_clock::time_point deadline);
  std::size_t poll();
  std::size_t poll_one();
  void stop();
  bool stopped() const;
  void restart();

  bool running_in_this_thread() const noexcept;

  // Work accounting: a pending operation or a tracked executor is one unit.
  void work_started() noexcept { outstanding_work_.fetch_add(1, std::memory_order_relaxed); }
  void work_finished() noexcept;

  // Queue an operation that starts and completes now (posted functions).
  void post_immediate_completion(operation* op);
  // Queue operations whose work was counted when they started.
  void post_deferred_completion(operation* op);
  void post_deferred_completions(op_queue& ops);

  // Destroys every pending operation without running it (context teardown).
  void shutdown();

  backend::reactor& get_reactor() noexcept { return reactor_; }
  // Ends when this scheduler is destroyed (with its io_context).
  context_lifetime::watch lifetime() const noexcept { return lifetime_.make_watch(); }
  // Whether the runner is blocked in the backend (call with the mutex held).
  bool waiting_in_reactor() const noexcept { return waiting_in_reactor_; }
  std::mutex& mutex() noexcept { return mutex_; }

 private:
  // Wait budget for one pass: negative waits forever, zero only polls.
  std::size_t do_run_one(std::unique_lock<std::mutex>& lock, long long timeout_usec);
  std::size_t run_many(long long timeout_usec, std::size_t limit,
                       const std::chrono::steady_clock::time_point* deadline);
  void wake_runner(std::unique_lock<std::mutex>& lock);

  class runner_scope;

  mutable std::mutex mutex_;
  op_queue ready_;
  // Fairness, as Asio's scheduler has it: the reactor is polled once per pass
  // through the ready queue, so handlers that keep re-queueing work (a loop
  // of immediate completions) cannot starve I/O. A pass is the ops that were
  // ready when it began; pass_end_ is the last of them, and popping it makes
  // a poll due.
  operation* pass_end_ = nullptr;
  bool poll_due_ = false;
  std::atomic<std::size_t> outstanding_work_{0};
  bool stopped_ = false;
  bool waiting_in_reactor_ = false;
  bool yielded_ = false;  // the last pass returned to the browser's event loop
  bool shutdown_ = false;
  std::atomic<std::thread::id> runner_{};
  // Threads that call run() while another runs the context wait here.
  std::mutex runner_mutex_;
  std::condition_variable runner_released_;
  backend::reactor reactor_;
  // Declared first-destroyed: objects see the context gone once the reactor
  // and queues are being torn down.
  context_lifetime lifetime_;
};

}  // namespace asio_directsockets::detail
