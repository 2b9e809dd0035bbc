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

// A fairness poll (below) waits for a pass through the ready queue and, natively, for this many
// handlers since the reactor was last visited. With short queues (a few connections, or several
// runners sharing the queue) every pass ends after a handler or two, and a poll(2) per pass,
// which visits every descriptor, found nothing ready half the time and cost more than the
// handlers. In the browser the visit only collects delivered completions: every pass.
constexpr unsigned handlers_per_fairness_poll = 16;

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
  const wakeup w = runner_to_wake();
  lock.unlock();
  wake(w);
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
  const wakeup w = runner_to_wake();
  lock.unlock();
  wake(w);
}

scheduler::wakeup scheduler::runner_to_wake() {
  // As Boost.Asio's scheduler: an idle runner is cheaper to wake than the one in poll(2), which
  // would have to rebuild its descriptor set. One already signalled is not counted on twice:
  // two posts in a row with one idle runner wake it and interrupt poll(2).
  if (wakeup w = signal_idle_runner(); w != wakeup::none) return w;
  return wakeup::reactor;
}

scheduler::wakeup scheduler::signal_idle_runner() {
  if (idle_count_ <= idle_signalled_) return wakeup::none;
  ++idle_signalled_;
  return wakeup::idle_runner;
}

void scheduler::wake(wakeup w) {
  // Called with the mutex released: a runner notified while it is held wakes
  // only to block on it (glibc's condition variable does not hand the mutex
  // over). A notify that finds the idle runner already gone (its wait timed
  // out) is harmless: that runner is awake and looks at the queue.
  // blocked_in_reactor_ read after the unlock is still right: a runner that saw
  // the queue empty set it before releasing the mutex this thread took.
  if (w == wakeup::idle_runner)
    idle_runners_.notify_one();
  else if (w == wakeup::reactor)
    reactor_.wake_runner(blocked_in_reactor_.load());
}

void scheduler::wake_all_runners(std::unique_lock<std::mutex>&) {
  idle_signalled_ = idle_count_;
  idle_runners_.notify_all();
  reactor_.wake_runner(blocked_in_reactor_.load());
}

scheduler::wakeup scheduler::idle_runner_to_watch_io() {
  return waiting_in_reactor_.load() ? wakeup::none : signal_idle_runner();
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
        ++handlers_since_poll_;
        if (op == pass_end_) {
          poll_due_ = one_thread || handlers_since_poll_ >= handlers_per_fairness_poll;
          pass_end_ = nullptr;
        }
        // While this handler runs, an idle runner takes the next one (posts each woke a
        // runner, but a batch of I/O completions woke one for all). Or, with nothing more
        // queued, an idle runner goes to watch I/O if no one does: a handler may block until
        // another handler or some I/O has run. The runner in poll(2) is left there, as in
        // Boost.Asio: work queued while it blocked interrupted it when it was queued.
        wakeup w = wakeup::none;
        if (!one_thread) w = !ready_.empty() ? signal_idle_runner() : idle_runner_to_watch_io();
        lock.unlock();
        wake(w);
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
    ++performing_io_;
    const bool performed = reactor_.perform_ready(lock, ready_, ready_io_batch_bytes);
    --performing_io_;
    if (performed) continue;
    const bool nothing_ready = ready_.empty();
    if (nothing_ready) {
      if (outstanding_work_.load(std::memory_order_acquire) == 0) {
        stopped_ = true;
        wake_all_runners(lock);
        return 0;
      }
      if (waited && timeout_usec >= 0) return 0;
    }
    if (!one_thread && (waiting_in_reactor_.load() || performing_io_ > 0)) {
      // Another runner waits for I/O and timers; it, or a post, hands work over. Or another
      // runner does the I/O the last poll found ready: its completions come next, and a poll
      // now would find little (each poll(2) costs a visit to every descriptor). That runner
      // polls, or wakes an idle one to, when it has run them.
      if (timeout_usec == 0) return 0;
      ++idle_count_;
      if (timeout_usec < 0)
        idle_runners_.wait(lock);
      else
        idle_runners_.wait_for(lock, std::chrono::microseconds(timeout_usec));
      --idle_count_;
      if (idle_signalled_ > 0) --idle_signalled_;
      if (timeout_usec >= 0) waited = true;
      continue;
    }
    // Wait for I/O only when nothing is ready; otherwise just poll it, so a
    // busy ready queue still lets new I/O in.
    op_queue completed;
    const long long wait_usec = nothing_ready ? timeout_usec : 0;
    waiting_in_reactor_.store(true);
    blocked_in_reactor_.store(wait_usec != 0);
    const bool may_continue = reactor_.run(lock, wait_usec, completed);
    blocked_in_reactor_.store(false);
    waiting_in_reactor_.store(false);
    poll_due_ = false;
    pass_end_ = nullptr;
    handlers_since_poll_ = 0;
    ready_.push(completed);
    if (!may_continue && ready_.empty()) {
      // Browser callback mode: the reactor attached this context to the JS
      // event loop; completions, timers and posts bring it back (ads_drain()).
      yielded = true;
      return 0;
    }
    // More than this runner can take at once: the I/O of several descriptors.
    if (reactor_.has_ready() && signal_idle_runner() == wakeup::idle_runner)
      idle_runners_.notify_one();
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
  // Leaving with work queued (run_one(), a deadline): another runner takes it. Or, leaving
  // while others idle and no one watches I/O: one of them takes over.
  if (!lock.owns_lock()) lock.lock();
  const wakeup w =
      !one_thread && !ready_.empty() && !stopped_ ? runner_to_wake() : idle_runner_to_watch_io();
  lock.unlock();
  wake(w);
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
