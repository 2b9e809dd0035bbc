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

// A browser build without pthreads has one thread: a nested run() from inside
// the reactor's wait (the event loop turning under ASYNCIFY/JSPI) must not wait
// for the runner it is nested in, so it never idles; it uses the reactor
// itself, as a single runner always did.
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
constexpr bool one_thread = true;
#else
constexpr bool one_thread = false;
#endif

// Marks this thread as running the context for the scope of a run call
// (running_in_this_thread(), dispatch), and gives Boost.Asio's machinery its
// per-thread recycling cache. Any number of threads may hold one at once.
class scheduler::runner_scope {
 public:
  explicit runner_scope(scheduler& s)
      : link_{&s, current_scope}, asio_context_(&asio_thread_key, asio_info_) {
    current_scope = &link_;
  }
  ~runner_scope() { current_scope = link_.outer; }

 private:
  scope_link link_;
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
  wake_one_runner(lock);
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
  wake_one_runner(lock);
}

void scheduler::wake_one_runner(std::unique_lock<std::mutex>&) {
  // As Boost.Asio's scheduler: an idle runner is cheaper to wake than the one in poll(2), which
  // would have to rebuild its descriptor set.
  if (idle_count_ > 0)
    idle_runners_.notify_one();
  else
    reactor_.wake_runner(waiting_in_reactor_.load());
}

void scheduler::wake_all_runners(std::unique_lock<std::mutex>&) {
  idle_runners_.notify_all();
  reactor_.wake_runner(waiting_in_reactor_.load());
}

void scheduler::wake_idle_to_watch_io(std::unique_lock<std::mutex>&) {
  if (idle_count_ > 0 && !waiting_in_reactor_.load()) idle_runners_.notify_one();
}

void scheduler::stop() {
  std::unique_lock<std::mutex> lock(mutex_);
  stopped_ = true;
  wake_all_runners(lock);
}

bool scheduler::stopped() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stopped_;
}

void scheduler::restart() {
  std::lock_guard<std::mutex> lock(mutex_);
  stopped_ = false;
}

std::size_t scheduler::do_run_one(std::unique_lock<std::mutex>& lock, long long timeout_usec,
                                  bool& yielded) {
  bool waited = false;
  while (!stopped_) {
    // A fairness poll is due, but another runner is in the reactor: I/O is being watched.
    if (!one_thread && poll_due_ && waiting_in_reactor_.load()) poll_due_ = false;
    if (!poll_due_) {
      if (!pass_end_) pass_end_ = ready_.back();  // a pass: the ops ready when it starts
      if (operation* op = ready_.pop()) {
        if (op == pass_end_) {
          poll_due_ = true;
          pass_end_ = nullptr;
        }
        if (!one_thread) {
          // While this handler runs, another runner takes the next one: an idle runner, else
          // the one in poll(2) (an idle runner woken earlier may take just one handler and
          // leave, from run_one()). Or, with nothing more queued, an idle runner goes to watch
          // I/O if no one does: a handler may block until another handler or some I/O has run.
          if (!ready_.empty())
            wake_one_runner(lock);
          else
            wake_idle_to_watch_io(lock);
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
    if (reactor_.perform_ready(lock, ready_, ready_io_batch_bytes)) continue;
    const bool nothing_ready = ready_.empty();
    if (nothing_ready) {
      if (outstanding_work_.load(std::memory_order_acquire) == 0) {
        stopped_ = true;
        wake_all_runners(lock);
        return 0;
      }
      if (waited && timeout_usec >= 0) return 0;
    }
    if (!one_thread && waiting_in_reactor_.load()) {
      // Another runner waits for I/O and timers; it, or a post, hands work over.
      if (timeout_usec == 0) return 0;
      ++idle_count_;
      if (timeout_usec < 0)
        idle_runners_.wait(lock);
      else
        idle_runners_.wait_for(lock, std::chrono::microseconds(timeout_usec));
      --idle_count_;
      if (timeout_usec >= 0) waited = true;
      continue;
    }
    // Wait for I/O only when nothing is ready; otherwise just poll it, so a
    // busy ready queue still lets new I/O in.
    op_queue completed;
    waiting_in_reactor_.store(true);
    const bool may_continue = reactor_.run(lock, nothing_ready ? timeout_usec : 0, completed);
    waiting_in_reactor_.store(false);
    poll_due_ = false;
    pass_end_ = nullptr;
    ready_.push(completed);
    if (!may_continue && ready_.empty()) {
      // Browser callback mode: the reactor attached this context to the JS
      // event loop; completions, timers and posts bring it back (ads_drain()).
      yielded = true;
      return 0;
    }
    // More than this runner can take at once: the I/O of several descriptors.
    if (idle_count_ > 0 && reactor_.has_ready()) idle_runners_.notify_one();
    if (nothing_ready) waited = true;
  }
  return 0;
}

std::size_t scheduler::run_many(long long timeout_usec, std::size_t limit,
                                const std::chrono::steady_clock::time_point* deadline) {
  runner_scope scope(*this);
  std::size_t n = 0;
  bool yielded = false;
  std::unique_lock<std::mutex> lock(mutex_);
  while (n < limit) {
    long long budget = timeout_usec;
    if (deadline) {
      auto left = *deadline - detail::steady_now();
      budget = std::chrono::duration_cast<std::chrono::microseconds>(left).count();
      if (budget < 0) budget = 0;
    }
    if (!lock.owns_lock()) lock.lock();
    std::size_t ran = do_run_one(lock, budget, yielded);
    if (ran == 0) {
      if (yielded) break;
      if (deadline && !stopped_ && detail::steady_now() < *deadline) continue;
      break;
    }
    n += ran;
  }
  // Leaving while others idle and no one watches I/O: one of them takes over.
  if (!lock.owns_lock()) lock.lock();
  wake_idle_to_watch_io(lock);
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
