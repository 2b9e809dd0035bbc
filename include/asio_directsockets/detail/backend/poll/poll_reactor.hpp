// The native backend: one poll(2) over every descriptor that has pending
// operations, with the earliest timer as the timeout and an eventfd/pipe to
// wake a blocked poll when another thread posts work. One thread at a time
// waits in poll(2) (the scheduler sees to that). The registry, the ready list
// and the timers are guarded by the owning scheduler's mutex; each
// descriptor's operation queues by its own mutex, so the I/O of different
// descriptors runs on several threads at once, outside the scheduler's mutex.
// Lock order: the scheduler's mutex, then a descriptor's; never the reverse.
#pragma once

#include <asio_directsockets/detail/clock_now.hpp>
#include <asio_directsockets/detail/operation.hpp>
#include <asio_directsockets/detail/reactor_op.hpp>
#include <asio_directsockets/detail/timer_queue.hpp>

#include <poll.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

namespace asio_directsockets::detail {
class scheduler;
}

namespace asio_directsockets::detail::backend {

class poll_reactor {
 public:
  enum op_types { read_op = 0, write_op = 1, except_op = 2, max_ops = 3 };

  class descriptor_state {
    friend class poll_reactor;
    std::mutex mutex_;  // guards ops_ and the I/O performed for them
    op_queue ops_[max_ops];
    // The poll(2) events polled for: those ops_ asks for, and a read's after its ops are done
    // (run_ops says why). Written under mutex_, read without it to build the poll set; see
    // poll_reactor::start_op for the ordering.
    std::atomic<short> interest_{0};
    // The last read drained the stream and poll(2) has reported nothing since (under mutex_):
    // the next read waits for readiness without trying first, while still polled for.
    bool read_drained_ = false;
    // The rest is guarded by the scheduler's mutex.
    int fd_ = -1;
    short ready_events_ = 0;  // poll(2) results not yet acted on
    bool in_ready_list_ = false;
    descriptor_state* ready_next_ = nullptr;
    descriptor_state* prev_ = nullptr;  // registered_ or free_states_ list
    descriptor_state* next_ = nullptr;
  };

  explicit poll_reactor(scheduler& owner);
  poll_reactor(const poll_reactor&) = delete;
  poll_reactor& operator=(const poll_reactor&) = delete;
  ~poll_reactor();

  // Descriptor lifetime. deregister aborts pending ops (operation_aborted).
  descriptor_state* register_descriptor(int fd);
  void deregister_descriptor(descriptor_state*& state);

  // Starts op on the descriptor: tries it at once when nothing is queued ahead
  // of it (speculative I/O), else waits for readiness. Never completes inline.
  void start_op(int op_type, descriptor_state* state, reactor_op* op, bool allow_speculative);
  // Completes an op that failed before it could start (bad descriptor...).
  void post_immediate_completion(operation* op);
  // All pending ops of the descriptor complete with operation_aborted.
  void cancel_ops(descriptor_state* state);
  // Per-operation cancellation of the op installed with `key`; no effect if
  // it is no longer pending. States are pooled, so `state` stays valid.
  void cancel_by_key(descriptor_state* state, int op_type, void* key);
  // Whether operations of op_type are queued on the descriptor.
  bool has_pending_ops(descriptor_state* state, int op_type);

  // Timer queues, one per clock type, are registered by the timer service.
  void add_timer_queue(timer_queue_base& queue);
  void remove_timer_queue(timer_queue_base& queue);
  template <typename Clock, typename Traits>
  void schedule_timer(timer_queue<Clock, Traits>& queue, const typename Clock::time_point& expiry,
                      typename timer_queue<Clock, Traits>::per_timer_data& timer, operation* op);
  template <typename Clock, typename Traits>
  std::size_t cancel_timer(timer_queue<Clock, Traits>& queue,
                           typename timer_queue<Clock, Traits>::per_timer_data& timer,
                           std::size_t max_cancelled = static_cast<std::size_t>(-1));
  void cancel_timer_by_key(timer_queue_base& queue, void* key);
  template <typename Clock, typename Traits>
  void move_timer(timer_queue<Clock, Traits>& queue,
                  typename timer_queue<Clock, Traits>::per_timer_data& to,
                  typename timer_queue<Clock, Traits>::per_timer_data& from);

  // Called by the scheduler with its mutex held: waits up to timeout_usec
  // (negative = no limit) and moves finished ops to `completed`. Always true
  // (the browser reactor, which may not wait, returns false instead).
  bool run(std::unique_lock<std::mutex>& lock, long long timeout_usec, op_queue& completed);
  // Browser builds: Emscripten's poll(2) misses a pipe's hang-up, and plain fds
  // change only through this program's own calls, so each pass retries the
  // queued ops of every descriptor and finishes due timers, without waiting.
  void perform_without_waiting(op_queue& completed);
  // Work was posted (scheduler mutex held): a runner blocked in run() wakes.
  void wake_runner(bool runner_waiting) {
    if (runner_waiting) interrupt();
  }
  // Performs the I/O of descriptors the last wait found ready, in order,
  // until about `byte_budget` bytes have moved, and queues what finished.
  // The scheduler calls it (its mutex held in `lock`, released around the I/O
  // of each batch of descriptors) whenever no completion is queued, so handlers run soon
  // after their I/O: reading every ready socket before any handler ran meant,
  // with many connections and large messages, that each handler found its
  // buffer evicted from the cache. Small transfers still go in one batch.
  // Returns false when no descriptor is waiting.
  bool perform_ready(std::unique_lock<std::mutex>& lock, op_queue& completed,
                     std::size_t byte_budget);
  // Whether descriptors found ready still wait for their I/O (mutex held).
  bool has_ready() const noexcept { return ready_front_ != nullptr; }
  // Time until the earliest timer, capped at limit_usec (negative: 5 min).
  long long timer_wait_usec(long long limit_usec) const;
  // Makes a blocked run() return early. Safe from any thread.
  void interrupt();
  // Collects every pending op for destruction (context teardown).
  void shutdown(op_queue& ops);

 private:
  // Scheduler access for the timer templates (scheduler is incomplete here).
  std::mutex& owner_mutex();
  void owner_work_started();
  void owner_post_deferred(op_queue& ops);

  // Interrupts poll(2) if a thread waits in it (any thread, no lock needed).
  void wake_if_waiting();
  void dispatch_poll_results(op_queue& completed);
  void finish_timers(op_queue& completed);
  void run_ops(descriptor_state* state, int op_type, op_queue& completed);
  // Stops polling the descriptor for op_type's event (state->mutex_ held).
  static void drop_interest(descriptor_state* state, int op_type);
  // Moves every pending op of the descriptor to `ops`, failed with operation_aborted
  // (state->mutex_ held).
  static void abort_ops(descriptor_state* state, op_queue& ops);
  void drain_wakeup();

  scheduler& owner_;
  int wakeup_read_fd_ = -1;
  int wakeup_write_fd_ = -1;
  // An interrupt is written and not yet drained: more need not be written.
  std::atomic<bool> interrupt_pending_{false};
  descriptor_state* registered_ = nullptr;
  descriptor_state* free_states_ = nullptr;
  descriptor_state* ready_front_ = nullptr;  // FIFO of states with ready_events_
  descriptor_state* ready_back_ = nullptr;
  timer_queue_base* timer_queues_ = nullptr;
  std::vector<::pollfd> pollfds_;
  std::vector<descriptor_state*> polled_states_;
};

}  // namespace asio_directsockets::detail::backend

#include <asio_directsockets/detail/backend/poll/poll_reactor_timers.ipp>
