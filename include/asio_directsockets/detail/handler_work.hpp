// Keeps the handler's associated executor busy (outstanding work) while its
// operation is pending, and delivers the completion through that executor:
// inline when already running there (blocking.possibly), queued otherwise.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/prefer.hpp>

#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>

namespace asio_directsockets::detail {

// Outstanding work on an executor, and running a function through it.
// Standard (P0443) executors: prefer(outstanding_work.tracked), then
// execute() with blocking.possibly.
template <typename Executor, bool Standard = boost::asio::execution::is_executor<Executor>::value>
class executor_work {
  using tracked_executor = std::decay_t<decltype(boost::asio::prefer(
      std::declval<const Executor&>(), boost::asio::execution::outstanding_work.tracked))>;

 public:
  explicit executor_work(const Executor& ex)
      : executor_(boost::asio::prefer(ex, boost::asio::execution::outstanding_work.tracked)) {}

  template <typename Function>
  void complete(Function&& f) {
    boost::asio::prefer(executor_, boost::asio::execution::blocking.possibly)
        .execute(std::forward<Function>(f));
  }

 private:
  tracked_executor executor_;
};

// Networking TS executors (io_context::strand and other pre-P0443 executors
// a handler may be bound to): a work guard, then dispatch().
template <typename Executor>
class executor_work<Executor, false> {
 public:
  explicit executor_work(const Executor& ex) : guard_(ex) {}

  template <typename Function>
  void complete(Function&& f) {
    guard_.get_executor().dispatch(std::forward<Function>(f), std::allocator<void>());
  }

 private:
  boost::asio::executor_work_guard<Executor> guard_;
};

template <typename Handler, typename IoExecutor>
class handler_work : public executor_work<boost::asio::associated_executor_t<Handler, IoExecutor>> {
  using base = executor_work<boost::asio::associated_executor_t<Handler, IoExecutor>>;

 public:
  handler_work(const Handler& h, const IoExecutor& io_ex)
      : base(boost::asio::get_associated_executor(h, io_ex)) {}
};

// A handler bound to its completion arguments: what the executor runs.
template <typename Handler, typename... Args>
struct bound_handler {
  Handler handler;
  std::tuple<Args...> args;
  void operator()() { std::apply(std::move(handler), std::move(args)); }
};

template <typename Handler, typename... Args>
bound_handler<Handler, Args...> bind_result(Handler&& h, std::tuple<Args...>&& args) {
  return {std::move(h), std::move(args)};
}

}  // namespace asio_directsockets::detail
