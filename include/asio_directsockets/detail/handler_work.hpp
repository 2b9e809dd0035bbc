// Keeps the handler's associated executor busy (outstanding work) while its
// operation is pending, and delivers the completion through that executor:
// inline when already running there (blocking.possibly), queued otherwise.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/prefer.hpp>

#include <tuple>
#include <utility>

namespace asio_directsockets::detail {

template <typename Handler, typename IoExecutor>
class handler_work {
  using handler_executor = boost::asio::associated_executor_t<Handler, IoExecutor>;
  using tracked_executor = std::decay_t<decltype(boost::asio::prefer(
      std::declval<const handler_executor&>(), boost::asio::execution::outstanding_work.tracked))>;

 public:
  handler_work(const Handler& h, const IoExecutor& io_ex)
      : executor_(boost::asio::prefer(boost::asio::get_associated_executor(h, io_ex),
                                      boost::asio::execution::outstanding_work.tracked)) {}

  template <typename Function>
  void complete(Function&& f) {
    boost::asio::prefer(executor_, boost::asio::execution::blocking.possibly)
        .execute(std::forward<Function>(f));
  }

 private:
  tracked_executor executor_;
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
