// io_context::strand, the pre-executor strand class (deprecated in Boost.Asio,
// still common in older programs): post/dispatch/defer/wrap run handlers one
// at a time. It is a thin front for boost::asio::strand over this context's
// executor (copies share one strand, as Boost's do) and meets the Networking
// TS executor requirements, so bind_executor(strand, h) and post(strand, f)
// accept it as they accept Boost's.
#pragma once

#include <asio_directsockets/io_context.hpp>

#include <boost/asio/defer.hpp>
#include <boost/asio/detail/wrapped_handler.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <utility>

namespace boost::asio {

class io_context::strand {
 public:
  explicit strand(io_context& ctx) : context_(&ctx), impl_(ctx.get_executor()) {}

  io_context& context() const noexcept { return *context_; }
  io_context& get_io_context() noexcept { return *context_; }
  io_context& get_io_service() noexcept { return *context_; }

  // Networking TS executor requirements.
  void on_work_started() const noexcept { context_->impl_.work_started(); }
  void on_work_finished() const noexcept { context_->impl_.work_finished(); }
  template <typename Function, typename Allocator>
  void dispatch(Function&& f, const Allocator&) const {
    boost::asio::dispatch(impl_, std::forward<Function>(f));
  }
  template <typename Function, typename Allocator>
  void post(Function&& f, const Allocator&) const {
    boost::asio::post(impl_, std::forward<Function>(f));
  }
  template <typename Function, typename Allocator>
  void defer(Function&& f, const Allocator&) const {
    boost::asio::defer(impl_, std::forward<Function>(f));
  }

  // The legacy one-argument forms.
  template <typename LegacyCompletionHandler>
  auto dispatch(LegacyCompletionHandler&& handler) {
    return boost::asio::dispatch(impl_, std::forward<LegacyCompletionHandler>(handler));
  }
  template <typename LegacyCompletionHandler>
  auto post(LegacyCompletionHandler&& handler) {
    return boost::asio::post(impl_, std::forward<LegacyCompletionHandler>(handler));
  }
  template <typename Handler>
  boost::asio::detail::wrapped_handler<strand, Handler,
                                       boost::asio::detail::is_continuation_if_running>
  wrap(Handler handler) {
    return boost::asio::detail::wrapped_handler<strand, Handler,
                                                boost::asio::detail::is_continuation_if_running>(
        *this, handler);
  }

  bool running_in_this_thread() const noexcept { return impl_.running_in_this_thread(); }

  friend bool operator==(const strand& a, const strand& b) noexcept { return a.impl_ == b.impl_; }
  friend bool operator!=(const strand& a, const strand& b) noexcept { return !(a == b); }

 private:
  io_context* context_;
  boost::asio::strand<io_context::executor_type> impl_;
};

}  // namespace boost::asio
