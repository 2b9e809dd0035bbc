#include <asio_directsockets/detail/scheduler.hpp>

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#if defined(__linux__)
#include <sys/eventfd.h>
#endif

namespace asio_directsockets::detail::backend {

namespace {

void throw_errno(const char* what) {
  throw boost::system::system_error(
      boost::system::error_code(errno, boost::asio::error::get_system_category()), what);
}

void set_nonblocking_cloexec(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

constexpr short poll_events[poll_reactor::max_ops] = {POLLIN, POLLOUT, POLLPRI};

}  // namespace

poll_reactor::poll_reactor(scheduler& owner) : owner_(owner) {
#if defined(__linux__)
  wakeup_read_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wakeup_read_fd_ < 0) throw_errno("eventfd");
  wakeup_write_fd_ = wakeup_read_fd_;
#else
  int fds[2];
  if (::pipe(fds) != 0) throw_errno("pipe");
  set_nonblocking_cloexec(fds[0]);
  set_nonblocking_cloexec(fds[1]);
  wakeup_read_fd_ = fds[0];
  wakeup_write_fd_ = fds[1];
#endif
  (void)&set_nonblocking_cloexec;
}

poll_reactor::~poll_reactor() {
  for (descriptor_state* list : {registered_, free_states_}) {
    while (list) {
      descriptor_state* next = list->next_;
      delete list;
      list = next;
    }
  }
  if (wakeup_write_fd_ != wakeup_read_fd_) ::close(wakeup_write_fd_);
  ::close(wakeup_read_fd_);
}

std::mutex& poll_reactor::owner_mutex() {
  return owner_.mutex();
}
void poll_reactor::owner_work_started() {
  owner_.work_started();
}
void poll_reactor::owner_post_deferred(op_queue& ops) {
  owner_.post_deferred_completions(ops);
}

poll_reactor::descriptor_state* poll_reactor::register_descriptor(int fd) {
  std::lock_guard<std::mutex> lock(owner_.mutex());
  descriptor_state* state = free_states_;
  if (state)
    free_states_ = state->next_;
  else
    state = new descriptor_state;
  // A reused state may still be in the ready list from its last
  // registration; that entry then only retries this descriptor's queued ops
  // (at worst one would-block attempt), so the list is left as it is.
  state->fd_ = fd;
  state->read_drained_ = false;
  state->prev_ = nullptr;
  state->next_ = registered_;
  if (registered_) registered_->prev_ = state;
  registered_ = state;
  return state;
}

void poll_reactor::deregister_descriptor(descriptor_state*& state) {
  if (!state) return;
  op_queue ops;
  {
    // Taking the descriptor's mutex waits for I/O another thread is doing on it, so the fd is
    // not closed (and reused) under that I/O.
    std::lock_guard<std::mutex> lock(owner_.mutex());
    std::lock_guard<std::mutex> state_lock(state->mutex_);
    abort_ops(state, ops);
    (state->prev_ ? state->prev_->next_ : registered_) = state->next_;
    if (state->next_) state->next_->prev_ = state->prev_;
    // A poll in progress may still report this descriptor; forget it there.
    for (auto& s : polled_states_)
      if (s == state) s = nullptr;
    // Pooled, never freed before the reactor: a late per-op cancellation, or a thread that took
    // it from the ready list, may still name this state, and must find no ops rather than freed
    // memory.
    state->fd_ = -1;
    state->prev_ = nullptr;
    state->next_ = free_states_;
    free_states_ = state;
  }
  state = nullptr;
  owner_.post_deferred_completions(ops);
}

void poll_reactor::start_op(int op_type, descriptor_state* state, reactor_op* op,
                            bool allow_speculative) {
  owner_.work_started();
  std::unique_lock<std::mutex> lock(state->mutex_);
  op_queue& q = state->ops_[op_type];
  if (!q.empty()) {
    q.push(op);  // behind others: the descriptor is already polled for this
    return;
  }
  const short before = state->interest_.load(std::memory_order_relaxed);
  // After a read that drained the stream, a read attempted now would only find nothing (one
  // wasted system call per message of a request/response loop); poll(2), still asked for the
  // descriptor's readiness, says when there is more. Without that interest, try: data may have
  // come in unwatched.
  const bool drained = op_type == read_op && op->waits_for_stream_data() && state->read_drained_ &&
                       (before & POLLIN);
  if (allow_speculative && !drained) {
    const reactor_op::status st = op->perform();
    if (st != reactor_op::not_done) {
      if (op_type == read_op) state->read_drained_ = st == reactor_op::done_and_exhausted;
      lock.unlock();
      owner_.post_deferred_completion(op);
      return;
    }
  }
  q.push(op);
  const short wanted = before | poll_events[op_type];
  if (wanted == before) return;  // still polled for since the last read: no interrupt
  // The poll set grows. Sequentially consistent, as the runner's side: it sets
  // blocked_in_reactor and then reads interest_, this stores interest_ and then reads
  // blocked_in_reactor, so either it polls for the op or this interrupts it (a poll that does
  // not block is followed by a fresh poll set).
  state->interest_.store(wanted);
  lock.unlock();
  wake_if_waiting();
}

void poll_reactor::abort_ops(descriptor_state* state, op_queue& ops) {
  for (auto& q : state->ops_) {
    while (operation* op = q.pop()) {
      op->ec_ = boost::asio::error::operation_aborted;
      ops.push(op);
    }
  }
  state->interest_.store(0);
}

void poll_reactor::drop_interest(descriptor_state* state, int op_type) {
  state->interest_.store(state->interest_.load(std::memory_order_relaxed) & ~poll_events[op_type]);
}

void poll_reactor::post_immediate_completion(operation* op) {
  owner_.post_immediate_completion(op);
}

void poll_reactor::cancel_ops(descriptor_state* state) {
  if (!state) return;
  op_queue ops;
  {
    std::lock_guard<std::mutex> lock(state->mutex_);
    abort_ops(state, ops);
  }
  owner_.post_deferred_completions(ops);
}

void poll_reactor::cancel_by_key(descriptor_state* state, int op_type, void* key) {
  operation* op;
  {
    std::lock_guard<std::mutex> lock(state->mutex_);
    op = state->ops_[op_type].remove_by_key(key);
    if (op && state->ops_[op_type].empty()) drop_interest(state, op_type);
  }
  if (!op) return;
  op->ec_ = boost::asio::error::operation_aborted;
  owner_.post_deferred_completion(op);
}

bool poll_reactor::has_pending_ops(descriptor_state* state, int op_type) {
  if (!state) return false;
  std::lock_guard<std::mutex> lock(state->mutex_);
  return !state->ops_[op_type].empty();
}

void poll_reactor::cancel_timer_by_key(timer_queue_base& queue, void* key) {
  op_queue ops;
  {
    std::lock_guard<std::mutex> lock(owner_.mutex());
    queue.cancel_by_key(key, ops);
  }
  owner_.post_deferred_completions(ops);
}

void poll_reactor::add_timer_queue(timer_queue_base& queue) {
  std::lock_guard<std::mutex> lock(owner_.mutex());
  queue.next_ = timer_queues_;
  timer_queues_ = &queue;
}

void poll_reactor::remove_timer_queue(timer_queue_base& queue) {
  std::lock_guard<std::mutex> lock(owner_.mutex());
  for (timer_queue_base** p = &timer_queues_; *p; p = &(*p)->next_) {
    if (*p == &queue) {
      *p = queue.next_;
      queue.next_ = nullptr;
      return;
    }
  }
}

long long poll_reactor::timer_wait_usec(long long limit_usec) const {
  // Cap at five minutes so a clock change can never stall the loop forever.
  long long usec = limit_usec < 0 ? 5LL * 60 * 1000 * 1000 : limit_usec;
  for (timer_queue_base* q = timer_queues_; q; q = q->next_)
    usec = q->wait_duration_usec(usec);
  return usec;
}

void poll_reactor::finish_timers(op_queue& completed) {
  for (timer_queue_base* q = timer_queues_; q; q = q->next_)
    q->get_ready_timers(completed);
}

void poll_reactor::wake_if_waiting() {
  // Through the build's reactor type: natively interrupt(); the browser's reactor waits on the
  // event loop, not on the wakeup pipe, and wakes its runner its own way (also across threads).
  if (owner_.blocked_in_reactor()) owner_.get_reactor().wake_runner(true);
}

void poll_reactor::interrupt() {
  if (interrupt_pending_.exchange(true)) return;  // poll(2) will return anyway
#if defined(__linux__)
  const std::uint64_t one = 1;
  [[maybe_unused]] auto r = ::write(wakeup_write_fd_, &one, sizeof one);
#else
  const char byte = 0;
  [[maybe_unused]] auto r = ::write(wakeup_write_fd_, &byte, 1);
#endif
}

void poll_reactor::drain_wakeup() {
  char buf[64];
  while (::read(wakeup_read_fd_, buf, sizeof buf) > 0) {
  }
  // After the read, never before: an interrupt between the two would have its write consumed
  // and leave the flag set with nothing to read, and every later interrupt would be skipped. One
  // whose write is skipped now is not lost: its operation was queued before it, and the poll set
  // is rebuilt after this drain.
  interrupt_pending_.store(false);
}

void poll_reactor::run_ops(descriptor_state* state, int op_type, op_queue& completed) {
  op_queue& q = state->ops_[op_type];                    // state->mutex_ held
  if (op_type == read_op) state->read_drained_ = false;  // readiness reported: look again
  if (q.empty()) {
    // Readiness nobody waits for (a read's kept interest, or an error or
    // hang-up reported for every kind): stop polling for it until an op asks.
    drop_interest(state, op_type);
    return;
  }
  while (reactor_op* op = static_cast<reactor_op*>(q.front())) {
    const reactor_op::status st = op->perform();
    if (st == reactor_op::not_done) break;
    if (op_type == read_op) state->read_drained_ = st == reactor_op::done_and_exhausted;
    q.pop();
    completed.push(op);
  }
  // A read interest outlives its ops: a stream is read in a loop, whose next
  // read usually starts (and would block) before more data arrives, and then
  // finds the descriptor still polled for, with no interrupt of poll(2) to
  // add it back. Boost.Asio's epoll reactor gets the same by registering each
  // descriptor once. If data comes first, the next poll reports it once.
  if (q.empty() && op_type != read_op) drop_interest(state, op_type);
}

bool poll_reactor::run(std::unique_lock<std::mutex>& lock, long long timeout_usec,
                       op_queue& completed) {
  pollfds_.clear();
  polled_states_.clear();
  pollfds_.push_back({wakeup_read_fd_, POLLIN, 0});
  polled_states_.push_back(nullptr);
  for (descriptor_state* s = registered_; s; s = s->next_) {
    const short events = s->interest_.load();
    if (!events) continue;
    pollfds_.push_back({s->fd_, events, 0});
    polled_states_.push_back(s);
  }

  const long long usec = timer_wait_usec(timeout_usec);
  const int timeout_ms = static_cast<int>((usec + 999) / 1000);
  lock.unlock();
  const int n = ::poll(pollfds_.data(), static_cast<nfds_t>(pollfds_.size()), timeout_ms);
  lock.lock();
  if (n > 0) dispatch_poll_results(completed);
  polled_states_.clear();
  finish_timers(completed);
  return true;
}

void poll_reactor::dispatch_poll_results(op_queue&) {
  if (pollfds_[0].revents) drain_wakeup();
  for (std::size_t i = 1; i < pollfds_.size(); ++i) {
    short revents = pollfds_[i].revents;
    descriptor_state* s = polled_states_[i];
    if (!revents || !s) continue;
    s->ready_events_ |= revents;
    if (s->in_ready_list_) continue;
    s->in_ready_list_ = true;
    s->ready_next_ = nullptr;
    (ready_back_ ? ready_back_->ready_next_ : ready_front_) = s;
    ready_back_ = s;
  }
}

bool poll_reactor::perform_ready(std::unique_lock<std::mutex>& lock, op_queue& completed,
                                 std::size_t byte_budget) {
  if (!ready_front_) return false;
  // A few descriptors per hold of the scheduler's mutex: fewer hand-overs of that lock between
  // runners, while another runner can still take the next few.
  constexpr int batch = 8;
  std::size_t moved = 0;
  while (ready_front_ && moved < byte_budget) {
    descriptor_state* taken[batch];
    short events[batch];
    int n = 0;
    while (n < batch && ready_front_) {
      descriptor_state* s = ready_front_;
      ready_front_ = s->ready_next_;
      if (!ready_front_) ready_back_ = nullptr;
      s->ready_next_ = nullptr;
      s->in_ready_list_ = false;
      events[n] = s->ready_events_;
      s->ready_events_ = 0;
      taken[n++] = s;
    }
    // The system calls run outside the scheduler's mutex: other threads meanwhile run
    // handlers, start operations, or do the I/O of other ready descriptors.
    lock.unlock();
    op_queue done;
    for (int i = 0; i < n; ++i) {
      descriptor_state* s = taken[i];
      const short revents = events[i];
      // Errors and hang-ups wake every kind of op: each perform() then sees
      // the real result (eof, reset, refused) from its own system call.
      const short failure = POLLERR | POLLHUP | POLLNVAL;
      std::lock_guard<std::mutex> state_lock(s->mutex_);
      if (revents & (POLLPRI | failure)) run_ops(s, except_op, done);
      if (revents & (POLLOUT | failure)) run_ops(s, write_op, done);
      if (revents & (POLLIN | failure)) run_ops(s, read_op, done);
    }
    for (operation* op = done.front(); op; op = op->next_)
      moved += op->bytes_;
    lock.lock();
    completed.push(done);
  }
  return true;
}

void poll_reactor::perform_without_waiting(op_queue& completed) {
  for (descriptor_state* s = registered_; s; s = s->next_) {
    std::lock_guard<std::mutex> state_lock(s->mutex_);
    run_ops(s, write_op, completed);
    run_ops(s, read_op, completed);
    run_ops(s, except_op, completed);
  }
  finish_timers(completed);
}

void poll_reactor::shutdown(op_queue& ops) {
  while (descriptor_state* s = ready_front_) {
    ready_front_ = s->ready_next_;
    s->ready_next_ = nullptr;
    s->in_ready_list_ = false;
    s->ready_events_ = 0;
  }
  ready_back_ = nullptr;
  for (descriptor_state* s = registered_; s; s = s->next_) {
    std::lock_guard<std::mutex> state_lock(s->mutex_);
    for (auto& q : s->ops_)
      ops.push(q);
    s->interest_.store(0);
  }
  for (timer_queue_base* q = timer_queues_; q; q = q->next_)
    q->get_all_timers(ops);
}

}  // namespace asio_directsockets::detail::backend
