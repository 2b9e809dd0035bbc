#include <asio_directsockets/detail/scheduler.hpp>

#include <asio_directsockets/detail/clock_now.hpp>

#include <boost/asio/detail/thread_context.hpp>
#include <boost/asio/detail/thread_info_base.hpp>

namespace asio_directsockets::detail {

namespace {
// The run scopes active on this thread, innermost first (a handler may run
// another context, so this is a stack, as in Asio's call_stack).
struct scope_link {
  const scheduler* sched;
  const scope_link* outer;
};
thread_local const scope_link* current_scope = nullptr;

// How many bytes of ready I/O run before their handlers do: about half an L2
// cache, so a handler still finds the data it was given in the cache.
constexpr std::size_t ready_io_batch_bytes = 256 * 1024;

// Boost.Asio's own machinery that runs inside our handlers recycles its
// memory through the running thread's thread_info_base: the executor_function
// that any_io_executor (every socket's default executor) wraps each completion
// in, awaitable frames, cancellation signals. With no thread_info_base on the
// thread each of those is an aligned new + delete (two per echo round trip);
// boost::asio::io_context registers one per run() call, and so do we.
struct asio_thread_context : boost::asio::detail::thread_context {
  using thread_context::thread_call_stack;
};
asio_thread_context asio_thread_key;
}  // namespace

// Makes this thread the context's runner for the scope of a run call. One
// thread runs a context at a time (the reactor has one waiter): a thread that
// calls run() while another runs the context waits for its turn, as a thread
// pool calling run() on one context expects to be able to (threading.md).
// run_for()/run_until() wait at most until their deadline; poll() and
// poll_one() do not wait and report that they ran nothing.
class scheduler::runner_scope {
 public:
  runner_scope(scheduler& s, const std::chrono::steady_clock::time_point* deadline, bool may_wait)
      : s_(s), link_{&s, current_scope}, asio_context_(&asio_thread_key, asio_info_) {
    const std::thread::id self = std::this_thread::get_id();
    if (s_.runner_.load() == self) {
      owner_ = false;  // nested run() inside a handler on the runner thread
    } else {
      std::unique_lock<std::mutex> lock(s_.runner_mutex_);
      auto free = [&] { return s_.runner_.load() == std::thread::id{}; };
      if (!may_wait) {
        if (!free()) return;
      } else if (deadline) {
        if (!s_.runner_released_.wait_until(lock, *deadline, free)) return;
      } else {
        s_.runner_released_.wait(lock, free);
      }
      s_.runner_.store(self);
    }
    acquired_ = true;
    current_scope = &link_;
  }
  ~runner_scope() {
    if (!acquired_) return;
    current_scope = link_.outer;
    if (!owner_) return;
    {
      std::lock_guard<std::mutex> lock(s_.runner_mutex_);
      s_.runner_.store(std::thread::id{});
    }
    s_.runner_released_.notify_one();
  }
  bool acquired() const { return acquired_; }

 private:
  scheduler& s_;
  scope_link link_;
  bool owner_ = true;
  bool acquired_ = false;
  boost::asio::detail::thread_info_base asio_info_;
  asio_thread_context::thread_call_stack::context asio_context_;
};

scheduler::scheduler() : reactor_(*this) {}

scheduler::~scheduler() {
  shutdown();
}

bool scheduler::running_in_this_thread() const noexcept {
  for (const scope_link* l = current_scope; l; l = l->outer)
    if (l->sched == this) return true;
  return false;
}

void scheduler::work_finished() noexcept {
  if (outstanding_work_.fetch_sub(1, std::memory_order_acq_rel) == 1) stop();
}

void scheduler::post_immediate_completion(operation* op) {
  work_started();
  post_deferred_completion(op);
}

void scheduler::post_deferred_completion(operation* op) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (shutdown_) {
    lock.unlock();
    op->destroy();
    return;
  }
  ready_.push(op);
  wake_runner(lock);
}

void scheduler::post_deferred_completions(op_queue& ops) {
  if (ops.empty()) return;
  std::unique_lock<std::mutex> lock(mutex_);
  if (shutdown_) {
    lock.unlock();
    ops.destroy_all();
    return;
  }
  ready_.push(ops);
  wake_runner(lock);
}

void scheduler::wake_runner(std::unique_lock<std::mutex>&) {
  reactor_.wake_runner(waiting_in_reactor_);
}

void scheduler::stop() {
  std::unique_lock<std::mutex> lock(mutex_);
  stopped_ = true;
  wake_runner(lock);
}

bool scheduler::stopped() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stopped_;
}

void scheduler::restart() {
  std::lock_guard<std::mutex> lock(mutex_);
  stopped_ = false;
}

std::size_t scheduler::do_run_one(std::unique_lock<std::mutex>& lock, long long timeout_usec) {
  bool waited = false;
  while (!stopped_) {
    if (!poll_due_) {
      if (!pass_end_) pass_end_ = ready_.back();  // a pass: the ops ready when it starts
      if (operation* op = ready_.pop()) {
        if (op == pass_end_) {
          poll_due_ = true;
          pass_end_ = nullptr;
        }
        lock.unlock();
        // The unit of work ends after the handler, even if it throws.
        struct work_done {
          scheduler* s;
          ~work_done() { s->work_finished(); }
        } done{this};
        op->complete(this);
        return 1;
      }
    }
    // Next, the I/O of descriptors the last wait found ready, a cache-sized
    // batch at a time (see poll_reactor::perform_ready).
    if (reactor_.perform_ready(ready_, ready_io_batch_bytes)) continue;
    const bool nothing_ready = ready_.empty();
    if (nothing_ready) {
      if (outstanding_work_.load(std::memory_order_acquire) == 0) {
        stopped_ = true;
        return 0;
      }
      if (waited && timeout_usec >= 0) return 0;
    }
    // Wait for I/O only when nothing is ready; otherwise just poll it, so a
    // busy ready queue still lets new I/O in.
    op_queue completed;
    waiting_in_reactor_ = true;
    const bool may_continue = reactor_.run(lock, nothing_ready ? timeout_usec : 0, completed);
    waiting_in_reactor_ = false;
    poll_due_ = false;
    pass_end_ = nullptr;
    ready_.push(completed);
    if (!may_continue && ready_.empty()) {
      // Browser callback mode: the reactor attached this context to the JS
      // event loop; completions, timers and posts bring it back (ads_drain()).
      yielded_ = true;
      return 0;
    }
    if (nothing_ready) waited = true;
  }
  return 0;
}

std::size_t scheduler::run_many(long long timeout_usec, std::size_t limit,
                                const std::chrono::steady_clock::time_point* deadline) {
  runner_scope scope(*this, deadline, timeout_usec != 0);
  if (!scope.acquired()) return 0;
  std::size_t n = 0;
  yielded_ = false;
  std::unique_lock<std::mutex> lock(mutex_);
  while (n < limit) {
    long long budget = timeout_usec;
    if (deadline) {
      auto left = *deadline - detail::steady_now();
      budget = std::chrono::duration_cast<std::chrono::microseconds>(left).count();
      if (budget < 0) budget = 0;
    }
    if (!lock.owns_lock()) lock.lock();
    std::size_t ran = do_run_one(lock, budget);
    if (ran == 0) {
      if (yielded_) break;
      if (deadline && !stopped_ && detail::steady_now() < *deadline) continue;
      break;
    }
    n += ran;
  }
  return n;
}

std::size_t scheduler::run() {
  return run_many(-1, static_cast<std::size_t>(-1), nullptr);
}
std::size_t scheduler::run_one() {
  return run_many(-1, 1, nullptr);
}
std::size_t scheduler::poll() {
  return run_many(0, static_cast<std::size_t>(-1), nullptr);
}
std::size_t scheduler::poll_one() {
  return run_many(0, 1, nullptr);
}

std::size_t scheduler::run_until(std::chrono::steady_clock::time_point deadline) {
  return run_many(-1, static_cast<std::size_t>(-1), &deadline);
}

std::size_t scheduler::run_one_until(std::chrono::steady_clock::time_point deadline) {
  return run_many(-1, 1, &deadline);
}

void scheduler::shutdown() {
  // Handlers may own I/O objects whose destructors touch the reactor, so ops
  // are collected under the lock and destroyed outside it, until none remain.
  for (;;) {
    op_queue ops;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      shutdown_ = true;
      ops.push(ready_);
      reactor_.shutdown(ops);
    }
    if (ops.empty()) break;
    ops.destroy_all();
  }
}

}  // namespace asio_directsockets::detail
