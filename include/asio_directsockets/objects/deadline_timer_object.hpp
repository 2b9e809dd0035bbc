// Asio's basic_deadline_timer (boost::posix_time based, and timers on any
// TimeTraits) on this library's context: expires_at / expires_from_now,
// async_wait, wait, cancel and cancel_one.
//
// The wait itself is a steady_clock wait on the library's timer queue: the
// expiry, kept exactly as given (ssl::stream compares it with pos_infin and
// neg_infin), is turned into a steady deadline when it is set. Boost.Asio's
// own deadline_timer would start Boost's scheduler and a hidden thread inside
// the program instead (docs/drop-in.md).
#pragma once

#include <asio_directsockets/objects/timer_object.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/wait_traits.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>
#include <thread>
#include <utility>

namespace asio_directsockets::objects {

// The body of boost::asio::basic_deadline_timer<Time, TimeTraits, Executor>
// (see adopted/basic_deadline_timer.hpp).
template <typename Time, typename TimeTraits, typename Executor>
class deadline_timer_object {
  using steady = std::chrono::steady_clock;
  using steady_timer = timer_object<steady, boost::asio::wait_traits<steady>, Executor>;

 public:
  using executor_type = Executor;
  using traits_type = TimeTraits;
  using time_type = typename traits_type::time_type;
  using duration_type = typename traits_type::duration_type;

  explicit deadline_timer_object(const executor_type& ex) : timer_(ex), executor_(ex) {}
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  explicit deadline_timer_object(ExecutionContext& ctx)
      : deadline_timer_object(executor_type(ctx.get_executor())) {}
  deadline_timer_object(const executor_type& ex, const time_type& t) : deadline_timer_object(ex) {
    expires_at(t);
  }
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  deadline_timer_object(ExecutionContext& ctx, const time_type& t)
      : deadline_timer_object(executor_type(ctx.get_executor()), t) {}
  deadline_timer_object(const executor_type& ex, const duration_type& d)
      : deadline_timer_object(ex) {
    expires_from_now(d);
  }
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  deadline_timer_object(ExecutionContext& ctx, const duration_type& d)
      : deadline_timer_object(executor_type(ctx.get_executor()), d) {}

  // As Boost.Asio's: the moved-from timer keeps its executor and has no expiry.
  deadline_timer_object(deadline_timer_object&& other) noexcept
      : timer_(std::move(other.timer_)), executor_(other.executor_), expiry_(other.expiry_) {
    other.expiry_ = time_type();
  }
  deadline_timer_object& operator=(deadline_timer_object&& other) {
    if (this != &other) {
      timer_ = std::move(other.timer_);
      executor_ = other.executor_;
      expiry_ = other.expiry_;
      other.expiry_ = time_type();
    }
    return *this;
  }

  const executor_type& get_executor() noexcept { return executor_; }

  std::size_t cancel() { return timer_.cancel(); }
  std::size_t cancel(boost::system::error_code& ec) {
    ec.clear();
    return timer_.cancel();
  }
  std::size_t cancel_one() { return timer_.cancel_one(); }
  std::size_t cancel_one(boost::system::error_code& ec) {
    ec.clear();
    return timer_.cancel_one();
  }

  time_type expires_at() const { return expiry_; }
  std::size_t expires_at(const time_type& t) {
    expiry_ = t;
    // The steady timer's expires_after saturates, so pos_infin means "never".
    return timer_.expires_after(left_until(t, traits_type::now()));
  }
  std::size_t expires_at(const time_type& t, boost::system::error_code& ec) {
    ec.clear();
    return expires_at(t);
  }

  duration_type expires_from_now() const {
    return traits_type::subtract(expiry_, traits_type::now());
  }
  std::size_t expires_from_now(const duration_type& d) {
    return expires_at(traits_type::add(traits_type::now(), d));
  }
  std::size_t expires_from_now(const duration_type& d, boost::system::error_code& ec) {
    ec.clear();
    return expires_from_now(d);
  }

  void wait() {
    boost::system::error_code ec;
    wait(ec);
  }
  // Sleeps on the timer's own clock, as Boost.Asio's does.
  void wait(boost::system::error_code& ec) {
    for (time_type now = traits_type::now(); traits_type::less_than(now, expiry_);
         now = traits_type::now())
      std::this_thread::sleep_for(left_until(expiry_, now));
    ec.clear();
  }

  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code))
                WaitToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_wait(WaitToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return timer_.async_wait(std::forward<WaitToken>(token));
  }

 private:
  // TimeTraits::to_posix_duration gives a posix_time::time_duration, whose
  // special values mean "never" (pos_infin) and "already" (neg_infin,
  // not_a_date_time).
  template <typename PosixDuration>
  static steady::duration to_chrono(const PosixDuration& d) {
    if (d.is_pos_infinity()) return steady::duration::max();
    if (d.is_special()) return steady::duration::min();
    return std::chrono::duration_cast<steady::duration>(
        std::chrono::microseconds(d.total_microseconds()));
  }

  static steady::duration left_until(const time_type& t, const time_type& now) {
    return to_chrono(traits_type::to_posix_duration(traits_type::subtract(t, now)));
  }

  steady_timer timer_;
  executor_type executor_;  // Boost.Asio's get_executor() returns a reference
  time_type expiry_{};
};

}  // namespace asio_directsockets::objects
