#include <asio_directsockets/detail/backend/direct_sockets/backend.hpp>
#include <asio_directsockets/detail/backend/direct_sockets/browser_loop.hpp>
#include <asio_directsockets/detail/backend/direct_sockets/browser_reactor.hpp>
#include <asio_directsockets/detail/clock_now.hpp>
#include <asio_directsockets/detail/scheduler.hpp>

#include <cstdio>
#include <memory>

namespace asio_directsockets::detail::ds {

void deliver_to_owner(ds_op* op) {
  static_cast<browser_reactor*>(op->owner)->deliver(op);
}

#if defined(__EMSCRIPTEN_PTHREADS__)
namespace {
// The start of a Direct Sockets operation, queued on its context like a posted handler, so that
// a thread running the context makes the bridge call (ds::start).
class forwarded_start : public operation {
 public:
  forwarded_start(int fd, ds_op* op) : operation(&forwarded_start::run), fd_(fd), op_(op) {}

 private:
  static void run(void* owner, operation* base, const error_code&, std::size_t) {
    std::unique_ptr<forwarded_start> self(static_cast<forwarded_start*>(base));
    if (owner)
      start_forwarded(self->fd_, self->op_);
    else {
      forget_forwarded(self->op_);
      self->op_->destroy();  // the context is going away
    }
  }
  int fd_;
  ds_op* op_;
};
}  // namespace

bool owner_runs_here(void* owner) {
  return static_cast<browser_reactor*>(owner)->context().running_in_this_thread();
}

void wake_owner(void* owner) {
  static_cast<browser_reactor*>(owner)->wake_runner(true);
}

void forward_to_owner(int fd, ds_op* op) {
  static_cast<browser_reactor*>(op->owner)->context().post_immediate_completion(
      new forwarded_start(fd, op));
}
#endif

browser_reactor::browser_reactor(scheduler& owner)
    : poll_reactor(owner), owner_(owner), last_event_loop_turn_(steady_now()) {}

browser_reactor::~browser_reactor() {
  browser_loop::detach(&owner_);
}

void browser_reactor::deliver(ds_op* op) {
#if defined(__EMSCRIPTEN_PTHREADS__)
  // Finished in the JS of a thread that does not run this context (the socket's realm is
  // another thread's): handed over under the context's lock, which wakes its runner.
  if (!owner_.running_in_this_thread()) return owner_.post_deferred_completion(op);
#endif
  delivered_.push(op);
  browser_loop::request_drain(&owner_);
}

void browser_reactor::wake_runner(bool) {
  if (cross_thread_.wake_from_another_thread()) return;
  browser_loop::request_drain(&owner_);
}

void browser_reactor::collect(op_queue& completed) {
  take_completions();
  completed.push(delivered_);
  perform_without_waiting(completed);
}

bool browser_reactor::run(std::unique_lock<std::mutex>& lock, long long timeout_usec,
                          op_queue& completed) {
  collect(completed);
  const long long usec = timer_wait_usec(timeout_usec);
  if (!completed.empty() || usec == 0) {
    // Socket completions reach wasm only through the browser's event loop. A run() that never
    // has to wait (handlers keep coming, or operations that complete at once, like reads at
    // EOF) yields one turn of it every time slice, or network I/O would starve (the browser
    // twin of the scheduler's fairness poll).
    if (can_block() && steady_now() - last_event_loop_turn_ >= browser_time_slice) {
      lock.unlock();
      yield();
      lock.lock();
      last_event_loop_turn_ = steady_now();
      collect(completed);
    }
    return true;
  }
  cross_thread_.runner_waits();
  if (!can_block()) {
    browser_loop::attach(&owner_);
    attached_at_drain_ = browser_loop::drains_so_far();
    return false;
  }
  lock.unlock();
  wait(static_cast<int>((usec + 999) / 1000));
  lock.lock();
  last_event_loop_turn_ = steady_now();
  collect(completed);
  return true;
}

void browser_reactor::shutdown(op_queue& ops) {
  // Attached by run() and destroyed before the event loop ever drove it, with work pending: in
  // callback mode that is an io_context local to main() (run() returned at once, then main()),
  // whose handlers would silently never run. Said once, as the docs' fix.
  const bool never_driven =
      browser_loop::is_attached(&owner_) && attached_at_drain_ == browser_loop::drains_so_far();
  browser_loop::detach(&owner_);
  poll_reactor::shutdown(ops);
  ops.push(delivered_);
  abandon_owner(this, ops);
  if (never_driven && !ops.empty()) {
    std::fputs(
        "asio_directsockets: an io_context was destroyed with work pending, right after run() "
        "returned (callback mode: run() returns at once and the browser's event loop runs the "
        "handlers later, so the context must outlive main(); make it static, or link "
        "asio_directsockets::blocking; docs/browser.md, \"Running on the browser's event "
        "loop\")\n",
        stderr);
  }
}

}  // namespace asio_directsockets::detail::ds
