// Keeps the handler's associated executor busy (outstanding work) while its
// operation is pending, and delivers the completion through that executor:
// inline when already running there (blocking.possibly), queued otherwise.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/prefer.hpp>

#include <memory>
#include <optional>
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

// Whether an executor is one of this library's io_context executors that runs a function inline
// when called from inside its context (blocking.possibly), directly or inside any_io_executor.
// Specialised in io_context.hpp; anything else is false.
template <typename Executor>
struct runs_inline_in_own_context {
  static bool check(const Executor&) noexcept { return false; }
};

// The work for one operation's handler. When the handler's executor is the I/O object's own
// io_context executor (the common case: no strand, no bind_executor), neither tracked work nor a
// trip through the type-erased executor is needed, as in Boost.Asio's own handler_work: the
// completion runs from that context's run loop on this thread, and the pending operation itself
// counts as the context's work until the handler has returned. The handler is called directly.
template <typename Handler, typename IoExecutor>
class handler_work {
  using executor_type = boost::asio::associated_executor_t<Handler, IoExecutor>;

 public:
  handler_work(const Handler& h, const IoExecutor& io_ex) {
    const executor_type ex = boost::asio::get_associated_executor(h, io_ex);
    if (!is_own(ex, io_ex)) work_.emplace(ex);
  }

  template <typename Function>
  void complete(Function&& f) {
    if (work_)
      work_->complete(std::forward<Function>(f));
    else
      std::forward<Function>(f)();
  }

 private:
  static bool is_own(const executor_type& ex, const IoExecutor& io_ex) noexcept {
    if constexpr (std::is_same_v<executor_type, IoExecutor>)
      return runs_inline_in_own_context<IoExecutor>::check(io_ex) && ex == io_ex;
    else
      return false;
  }

  std::optional<executor_work<executor_type>> work_;
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
