// Asio's basic_waitable_timer on this library's context: expires_after /
// expires_at / expiry, async_wait, wait, cancel and cancel_one.
#pragma once

#include <asio_directsockets/detail/clock_math.hpp>
#include <asio_directsockets/detail/io_op.hpp>
#include <asio_directsockets/detail/reactor_op.hpp>
#include <asio_directsockets/detail/throw_error.hpp>
#include <asio_directsockets/detail/timer_service.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/wait_traits.hpp>

#include <thread>
#include <tuple>

namespace asio_directsockets {

namespace detail {
class timer_wait_op_base : public operation {
 public:
  explicit timer_wait_op_base(func_type complete) : operation(complete) {}
  std::tuple<boost::system::error_code> take_result(const boost::system::error_code& ec,
                                                    std::size_t, bool) {
    return {ec};
  }
};
}  // namespace detail

namespace objects {

// The body of boost::asio::basic_waitable_timer<Clock, WaitTraits, Executor>
// (see adopted/basic_waitable_timer.hpp).
template <typename Clock, typename WaitTraits, typename Executor>
class timer_object {
  template <typename, typename, typename>
  friend class timer_object;
  using service_type = detail::timer_service<Clock, WaitTraits>;
  using per_timer_data = typename service_type::queue_type::per_timer_data;

 public:
  using executor_type = Executor;
  using clock_type = Clock;
  using duration = typename Clock::duration;
  using time_point = typename Clock::time_point;
  using traits_type = WaitTraits;

  explicit timer_object(const executor_type& ex)
      : executor_(ex),
        service_(&boost::asio::use_service<service_type>(detail::context_of(ex))),
        data_(std::make_unique<per_timer_data>()),
        context_(service_->get_scheduler().lifetime()) {}
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  explicit timer_object(ExecutionContext& ctx) : timer_object(executor_type(ctx.get_executor())) {}
  timer_object(const executor_type& ex, const time_point& t) : timer_object(ex) { expiry_ = t; }
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  timer_object(ExecutionContext& ctx, const time_point& t)
      : timer_object(executor_type(ctx.get_executor()), t) {}
  timer_object(const executor_type& ex, const duration& d) : timer_object(ex) { expires_after(d); }
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  timer_object(ExecutionContext& ctx, const duration& d)
      : timer_object(executor_type(ctx.get_executor()), d) {}

  // The per-timer data is heap-held so moving a timer leaves pending waits
  // where the queue can still find them.
  timer_object(timer_object&& other) noexcept
      : executor_(other.executor_),
        service_(other.service_),
        data_(std::move(other.data_)),
        context_(other.context_),
        expiry_(other.expiry_) {
    other.data_ = std::make_unique<per_timer_data>();
  }
  timer_object& operator=(timer_object&& other) {
    if (this != &other) {
      cancel();
      executor_ = other.executor_;
      service_ = other.service_;
      data_ = std::move(other.data_);
      context_ = other.context_;
      expiry_ = other.expiry_;
      other.data_ = std::make_unique<per_timer_data>();
    }
    return *this;
  }
  template <typename Executor1,
            std::enable_if_t<std::is_convertible_v<Executor1, Executor>, int> = 0>
  timer_object(timer_object<Clock, WaitTraits, Executor1>&& other)
      : executor_(other.executor_),
        service_(other.service_),
        data_(std::move(other.data_)),
        context_(other.context_),
        expiry_(other.expiry_) {
    other.data_ = std::make_unique<per_timer_data>();
  }

  ~timer_object() {
    // After the io_context is gone its queue is too (and holds no waits of ours).
    if (data_ && context_.alive()) cancel();
  }

  executor_type get_executor() noexcept { return executor_; }

  std::size_t cancel() { return reactor().cancel_timer(service_->queue(), *data_); }
  std::size_t cancel_one() { return reactor().cancel_timer(service_->queue(), *data_, 1); }

  time_point expiry() const { return expiry_; }
  time_point expires_at() const { return expiry_; }  // deprecated Asio spelling

  std::size_t expires_at(const time_point& t) {
    std::size_t n = cancel();
    expiry_ = t;
    return n;
  }
  std::size_t expires_after(const duration& d) {
    std::size_t n = cancel();
    expiry_ = add(Clock::now(), d);
    return n;
  }
  duration expires_from_now() const {  // deprecated spelling
    return detail::saturating_difference(expiry_, Clock::now());
  }
  std::size_t expires_from_now(const duration& d) { return expires_after(d); }

  void wait() {
    boost::system::error_code ec;
    wait(ec);
    detail::throw_error(ec, "wait");
  }
  void wait(boost::system::error_code& ec) {
    for (time_point now = Clock::now(); now < expiry_; now = Clock::now())
      std::this_thread::sleep_for(WaitTraits::to_wait_duration(expiry_ - now));
    ec.clear();
  }

  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code))
                WaitToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_wait(WaitToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return boost::asio::async_initiate<WaitToken, void(boost::system::error_code)>(
        initiate_async_wait(this), token);
  }

 private:
  detail::backend::reactor& reactor() const { return service_->get_scheduler().get_reactor(); }

  // Saturating add, so expires_after(duration::max()) means "never".
  static time_point add(const time_point& t, const duration& d) {
    if (d > duration::zero() && t > time_point::max() - d) return time_point::max();
    if (d < duration::zero() && t < time_point::min() - d) return time_point::min();
    return t + d;
  }

  struct cancellation {
    detail::backend::reactor* reactor;
    detail::timer_queue_base* queue;
    void operator()(boost::asio::cancellation_type_t type) {
      using ct = boost::asio::cancellation_type;
      if ((type & (ct::terminal | ct::partial | ct::total)) != ct::none)
        reactor->cancel_timer_by_key(*queue, this);
    }
  };

  class initiate_async_wait {
   public:
    using executor_type = Executor;
    explicit initiate_async_wait(timer_object* self) : self_(self) {}
    executor_type get_executor() const noexcept { return self_->executor_; }

    template <typename Handler>
    void operator()(Handler&& handler) const {
      using op = detail::io_op<detail::timer_wait_op_base, std::decay_t<Handler>, Executor>;
      op* p = op::make(std::forward<Handler>(handler), self_->executor_);
      p->set_cancellation(cancellation{&self_->reactor(), &self_->service_->queue()});
      self_->reactor().schedule_timer(self_->service_->queue(), self_->expiry_, *self_->data_, p);
    }

   private:
    timer_object* self_;
  };

  Executor executor_;
  service_type* service_;
  std::unique_ptr<per_timer_data> data_;
  detail::context_lifetime::watch context_;
  time_point expiry_{};
};

}  // namespace objects
}  // namespace asio_directsockets
