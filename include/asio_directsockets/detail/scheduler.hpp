// The run loop behind io_context: a ready queue of completed operations, the
// outstanding-work count that keeps run() alive, and the backend reactor that
// turns readiness and timer expiry into completed operations. Any number of
// threads may run it at once, as Boost.Asio's scheduler: they take handlers
// from the queue in parallel, one of them at a time waits in the reactor, and
// the others, when there is nothing to run, wait on a condition variable for
// work (docs/threading.md).
#pragma once

#include <asio_directsockets/detail/backend/reactor.hpp>
#include <asio_directsockets/detail/context_lifetime.hpp>
#include <asio_directsockets/detail/operation.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

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
  // Whether a runner is in the backend's wait and may block there (any thread, no lock): only
  // then does new work need to interrupt it. Sequentially consistent: poll_reactor::start_op's
  // wake-up relies on it.
  bool blocked_in_reactor() const noexcept { return blocked_in_reactor_.load(); }
  std::mutex& mutex() noexcept { return mutex_; }

 private:
  // Wait budget for one pass: negative waits forever, zero only polls.
  // `yielded` is set when a browser build handed the context to the event loop.
  std::size_t do_run_one(std::unique_lock<std::mutex>& lock, long long timeout_usec, bool& yielded);
  std::size_t run_many(long long timeout_usec, std::size_t limit,
                       const std::chrono::steady_clock::time_point* deadline);
  // Which runner to wake is decided with the mutex held and done after it is
  // released (wake).
  enum class wakeup { none, idle_runner, reactor };
  // Work was queued: an idle runner takes it, else the one in the reactor is interrupted.
  wakeup runner_to_wake();
  // An idle runner not yet signalled, counted as signalled; none if there is none.
  wakeup signal_idle_runner();
  // No runner watches I/O but one idles: it goes to watch.
  wakeup idle_runner_to_watch_io();
  void wake(wakeup w);
  // Every runner looks again (stop, work ran out; mutex held).
  void wake_all_runners(std::unique_lock<std::mutex>& lock);

  class runner_scope;

  mutable std::mutex mutex_;
  op_queue ready_;
  // Fairness, as Asio's scheduler has it: the reactor is polled once per pass
  // through the ready queue, so handlers that keep re-queueing work (a loop
  // of immediate completions) cannot starve I/O. A pass is the ops that were
  // ready when it began; pass_end_ is the last of them, and popping it makes
  // a poll due (natively, once a few handlers have run: scheduler.cpp).
  operation* pass_end_ = nullptr;
  bool poll_due_ = false;
  unsigned handlers_since_poll_ = 0;  // since a runner last visited the reactor
  std::atomic<std::size_t> outstanding_work_{0};
  bool stopped_ = false;
  std::atomic<bool> waiting_in_reactor_{false};  // written with mutex_ held
  std::atomic<bool> blocked_in_reactor_{false};  // in it with a wait that may block (mutex_ held)
  bool shutdown_ = false;
  // Runners with nothing to run while another waits in the reactor.
  std::condition_variable idle_runners_;
  std::size_t idle_count_ = 0;
  std::size_t idle_signalled_ = 0;  // notified but not yet awake
  std::size_t performing_io_ = 0;   // runners in reactor_.perform_ready()
  backend::reactor reactor_;
  // Declared first-destroyed: objects see the context gone once the reactor
  // and queues are being torn down.
  context_lifetime lifetime_;
};

}  // namespace asio_directsockets::detail
