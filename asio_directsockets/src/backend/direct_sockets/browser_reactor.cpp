#include <asio_directsockets/detail/backend/direct_sockets/backend.hpp>
#include <asio_directsockets/detail/backend/direct_sockets/browser_loop.hpp>
#include <asio_directsockets/detail/backend/direct_sockets/browser_reactor.hpp>
#include <asio_directsockets/detail/clock_now.hpp>
#include <asio_directsockets/detail/scheduler.hpp>

#include <cstdio>

namespace asio_directsockets::detail::ds {

void deliver_to_owner(ds_op* op) {
  static_cast<browser_reactor*>(op->owner)->deliver(op);
}

browser_reactor::browser_reactor(scheduler& owner)
    : poll_reactor(owner), owner_(owner), last_event_loop_turn_(steady_now()) {}

browser_reactor::~browser_reactor() {
  browser_loop::detach(&owner_);
}

void browser_reactor::deliver(ds_op* op) {
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
