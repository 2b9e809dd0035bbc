// Asio's basic_signal_set for the browser build. A page or Worker receives no
// POSIX signals, but programs routinely park a signal_set wait to shut down
// cleanly (Beast's and Asio's own servers do). Boost's implementation needs
// a thread of its own, which a wasm build without pthreads cannot start, so
// there this body stands behind boost::asio::basic_signal_set (see
// adopted/basic_signal_set.hpp): add/remove/clear validate and record signal
// numbers as Boost does, and a wait stays pending, keeping the context's
// work alive as it would natively, until cancel() or destruction completes it
// with operation_aborted. The pending wait is parked in the steady clock's
// timer queue at time_point::max(), so cancellation, per-operation
// cancellation and context teardown reuse the timers' machinery.
#pragma once

#include <asio_directsockets/detail/context_of.hpp>
#include <asio_directsockets/detail/io_op.hpp>
#include <asio_directsockets/detail/operation.hpp>
#include <asio_directsockets/detail/throw_error.hpp>
#include <asio_directsockets/detail/timer_service.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/wait_traits.hpp>

#include <chrono>
#include <csignal>
#include <memory>
#include <set>
#include <tuple>

namespace asio_directsockets::objects {

template <typename Executor>
class signal_set_object {
  using clock = std::chrono::steady_clock;
  using service_type = detail::timer_service<clock, boost::asio::wait_traits<clock>>;
  using per_timer_data = typename service_type::queue_type::per_timer_data;

  class wait_op_base : public detail::operation {
   public:
    explicit wait_op_base(func_type complete) : operation(complete) {}
    // No signal is ever delivered: only cancellation completes a wait.
    std::tuple<boost::system::error_code, int> take_result(const boost::system::error_code& ec,
                                                           std::size_t, bool) {
      return {ec, 0};
    }
  };

 public:
  using executor_type = Executor;

  explicit signal_set_object(const executor_type& ex)
      : executor_(ex),
        service_(&boost::asio::use_service<service_type>(detail::context_of(ex))),
        data_(std::make_unique<per_timer_data>()),
        context_(service_->get_scheduler().lifetime()) {}
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  explicit signal_set_object(ExecutionContext& ctx)
      : signal_set_object(executor_type(ctx.get_executor())) {}
  signal_set_object(const executor_type& ex, int s1) : signal_set_object(ex) { add(s1); }
  signal_set_object(const executor_type& ex, int s1, int s2) : signal_set_object(ex, s1) {
    add(s2);
  }
  signal_set_object(const executor_type& ex, int s1, int s2, int s3)
      : signal_set_object(ex, s1, s2) {
    add(s3);
  }
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  signal_set_object(ExecutionContext& ctx, int s1)
      : signal_set_object(executor_type(ctx.get_executor()), s1) {}
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  signal_set_object(ExecutionContext& ctx, int s1, int s2)
      : signal_set_object(executor_type(ctx.get_executor()), s1, s2) {}
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  signal_set_object(ExecutionContext& ctx, int s1, int s2, int s3)
      : signal_set_object(executor_type(ctx.get_executor()), s1, s2, s3) {}

  signal_set_object(const signal_set_object&) = delete;
  signal_set_object& operator=(const signal_set_object&) = delete;
  ~signal_set_object() { cancel_waits(); }

  executor_type get_executor() noexcept { return executor_; }

  void add(int signal_number) {
    boost::system::error_code ec;
    add(signal_number, ec);
    detail::throw_error(ec, "add");
  }
  void add(int signal_number, boost::system::error_code& ec) {
    if (!valid(signal_number, ec)) return;
    signals_.insert(signal_number);
  }
  void remove(int signal_number) {
    boost::system::error_code ec;
    remove(signal_number, ec);
    detail::throw_error(ec, "remove");
  }
  void remove(int signal_number, boost::system::error_code& ec) {
    if (!valid(signal_number, ec)) return;
    signals_.erase(signal_number);
  }
  void clear() {
    boost::system::error_code ec;
    clear(ec);
    detail::throw_error(ec, "clear");
  }
  void clear(boost::system::error_code& ec) {
    signals_.clear();
    ec.clear();
  }
  void cancel() {
    boost::system::error_code ec;
    cancel(ec);
    detail::throw_error(ec, "cancel");
  }
  void cancel(boost::system::error_code& ec) {
    cancel_waits();
    ec.clear();
  }

  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code, int))
                SignalToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_wait(SignalToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return boost::asio::async_initiate<SignalToken, void(boost::system::error_code, int)>(
        initiate_async_wait(this), token);
  }

 private:
  // As Boost: a signal number outside [0, NSIG) is invalid_argument.
  static bool valid(int signal_number, boost::system::error_code& ec) {
    if (signal_number < 0 || signal_number >= NSIG) {
      ec = boost::asio::error::invalid_argument;
      return false;
    }
    ec.clear();
    return true;
  }

  detail::backend::reactor& reactor() const { return service_->get_scheduler().get_reactor(); }
  void cancel_waits() {
    // After the io_context is gone its queue is too (and holds no waits of ours).
    if (data_ && context_.alive()) reactor().cancel_timer(service_->queue(), *data_);
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
    explicit initiate_async_wait(signal_set_object* self) : self_(self) {}
    executor_type get_executor() const noexcept { return self_->executor_; }

    template <typename Handler>
    void operator()(Handler&& handler) const {
      using op = detail::io_op<wait_op_base, std::decay_t<Handler>, Executor>;
      op* p = op::make(std::forward<Handler>(handler), self_->executor_);
      p->set_cancellation(cancellation{&self_->reactor(), &self_->service_->queue()});
      self_->reactor().schedule_timer(self_->service_->queue(), clock::time_point::max(),
                                      *self_->data_, p);
    }

   private:
    signal_set_object* self_;
  };

  Executor executor_;
  service_type* service_;
  std::unique_ptr<per_timer_data> data_;
  detail::context_lifetime::watch context_;
  std::set<int> signals_;
};

}  // namespace asio_directsockets::objects
