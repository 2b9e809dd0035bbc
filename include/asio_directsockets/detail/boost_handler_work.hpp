// Boost's own services still run on this io_context for the objects the
// library does not replace (local and generic sockets, pipes, serial ports).
// They complete through boost::asio::detail::handler_work, which skips
// dispatching when the I/O executor is boost::asio::io_context's, on the
// grounds that Boost's io_context already runs completions on its run()
// threads. boost::asio::io_context is this library's now and those services
// complete on Boost's internal thread, so these specialisations make such
// completions always keep work and dispatch through the executor, as Boost
// does for every foreign executor.
#pragma once

#include <boost/asio/any_completion_executor.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/detail/handler_work.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/executor.hpp>
#include <boost/asio/prefer.hpp>

#include <type_traits>
#include <utility>

namespace asio_directsockets::detail {

// Holds outstanding work on `Executor` while a Boost operation is pending and
// runs its completion through that executor.
template <typename Executor>
class tracked_handler_work {
 public:
  explicit tracked_handler_work(int, int, const Executor& ex) noexcept
      : executor_(boost::asio::prefer(ex, boost::asio::execution::outstanding_work.tracked)) {}
  template <typename OtherExecutor>
  tracked_handler_work(bool /*base1_owns_work*/, const Executor& ex, const OtherExecutor&) noexcept
      : executor_(boost::asio::prefer(ex, boost::asio::execution::outstanding_work.tracked)) {}

  bool owns_work() const noexcept { return true; }

  template <typename Function, typename Handler>
  void dispatch(Function& function, Handler& handler) {
    boost::asio::execution::execute(
        boost::asio::prefer(executor_, boost::asio::execution::allocator(
                                           boost::asio::get_associated_allocator(handler))),
        std::move(function));
  }

 private:
  std::decay_t<typename boost::asio::prefer_result<
      Executor, boost::asio::execution::outstanding_work_t::tracked_t>::type>
      executor_;
};

// The same for the Networking TS polymorphic executor (boost::asio::executor).
class tracked_ts_handler_work {
 public:
  explicit tracked_ts_handler_work(int, int, const boost::asio::executor& ex) noexcept
      : executor_(ex) {
    if (executor_) executor_.on_work_started();
  }
  template <typename OtherExecutor>
  tracked_ts_handler_work(bool, const boost::asio::executor& ex, const OtherExecutor&) noexcept
      : executor_(ex) {
    if (executor_) executor_.on_work_started();
  }
  tracked_ts_handler_work(const tracked_ts_handler_work& other) noexcept
      : executor_(other.executor_) {
    if (executor_) executor_.on_work_started();
  }
  tracked_ts_handler_work(tracked_ts_handler_work&& other) noexcept
      : executor_(std::move(other.executor_)) {}
  tracked_ts_handler_work& operator=(const tracked_ts_handler_work&) = delete;
  ~tracked_ts_handler_work() {
    if (executor_) executor_.on_work_finished();
  }

  bool owns_work() const noexcept { return !!executor_; }

  template <typename Function, typename Handler>
  void dispatch(Function& function, Handler& handler) {
    executor_.dispatch(std::move(function), boost::asio::get_associated_allocator(handler));
  }

 private:
  boost::asio::executor executor_;
};

}  // namespace asio_directsockets::detail

namespace boost::asio::detail {

template <>
class handler_work_base<io_context::executor_type, void, io_context, executor, void>
    : public ::asio_directsockets::detail::tracked_handler_work<io_context::executor_type> {
 public:
  using tracked_handler_work::tracked_handler_work;
};

template <>
class handler_work_base<any_io_executor, void, io_context, executor, void>
    : public ::asio_directsockets::detail::tracked_handler_work<any_io_executor> {
 public:
  using tracked_handler_work::tracked_handler_work;
};

template <>
class handler_work_base<any_completion_executor, void, io_context, executor, void>
    : public ::asio_directsockets::detail::tracked_handler_work<any_completion_executor> {
 public:
  using tracked_handler_work::tracked_handler_work;
};

template <typename... SupportableProperties>
class handler_work_base<execution::any_executor<SupportableProperties...>, void, io_context,
                        executor, void>
    : public ::asio_directsockets::detail::tracked_handler_work<
          execution::any_executor<SupportableProperties...>> {
 public:
  using ::asio_directsockets::detail::tracked_handler_work<
      execution::any_executor<SupportableProperties...>>::tracked_handler_work;
};

template <>
class handler_work_base<executor, void, io_context, executor, void>
    : public ::asio_directsockets::detail::tracked_ts_handler_work {
 public:
  using tracked_ts_handler_work::tracked_ts_handler_work;
};

}  // namespace boost::asio::detail
