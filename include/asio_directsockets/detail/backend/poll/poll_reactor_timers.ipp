// Timer operations of poll_reactor (templates over the clock type).
#pragma once

namespace asio_directsockets::detail::backend {

template <typename Clock, typename Traits>
void poll_reactor::schedule_timer(timer_queue<Clock, Traits>& queue,
                                  const typename Clock::time_point& expiry,
                                  typename timer_queue<Clock, Traits>::per_timer_data& timer,
                                  operation* op) {
  owner_work_started();
  std::lock_guard<std::mutex> lock(owner_mutex());
  if (queue.enqueue_timer(expiry, timer, op)) wake_if_waiting();
}

template <typename Clock, typename Traits>
std::size_t poll_reactor::cancel_timer(timer_queue<Clock, Traits>& queue,
                                       typename timer_queue<Clock, Traits>::per_timer_data& timer,
                                       std::size_t max_cancelled) {
  op_queue ops;
  std::size_t n;
  {
    std::lock_guard<std::mutex> lock(owner_mutex());
    n = queue.cancel_timer(timer, ops, max_cancelled);
  }
  owner_post_deferred(ops);
  return n;
}

template <typename Clock, typename Traits>
void poll_reactor::move_timer(timer_queue<Clock, Traits>& queue,
                              typename timer_queue<Clock, Traits>::per_timer_data& to,
                              typename timer_queue<Clock, Traits>::per_timer_data& from) {
  std::lock_guard<std::mutex> lock(owner_mutex());
  queue.move_timer(to, from);
}

}  // namespace asio_directsockets::detail::backend
