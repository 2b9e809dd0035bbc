// One timer queue per clock type and context, registered with the backend
// while the context lives (an execution_context service, as in Asio).
#pragma once

#include <asio_directsockets/detail/context_of.hpp>
#include <asio_directsockets/detail/timer_queue.hpp>

#include <boost/asio/execution_context.hpp>

namespace asio_directsockets::detail {

template <typename Clock, typename WaitTraits>
class timer_service : public boost::asio::execution_context::service {
 public:
  using key_type = timer_service;
  static inline boost::asio::execution_context::id id;
  using queue_type = timer_queue<Clock, WaitTraits>;

  explicit timer_service(boost::asio::execution_context& ctx)
      : boost::asio::execution_context::service(ctx), scheduler_(context_of(ctx).impl()) {
    scheduler_.get_reactor().add_timer_queue(queue_);
  }

  scheduler& get_scheduler() noexcept { return scheduler_; }
  queue_type& queue() noexcept { return queue_; }

 private:
  void shutdown() override {
    if (shut_down_) return;
    shut_down_ = true;
    scheduler_.get_reactor().remove_timer_queue(queue_);
    op_queue ops;
    queue_.get_all_timers(ops);
    ops.destroy_all();
  }

  scheduler& scheduler_;
  queue_type queue_;
  bool shut_down_ = false;
};

}  // namespace asio_directsockets::detail
