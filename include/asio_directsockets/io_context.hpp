// io_context: the execution context every I/O object of this library runs on.
// It *is* boost::asio::io_context in a program built with this library: the
// forced include defines Boost's include guard first, so Boost's own class is
// never declared and every spelling (boost::asio::io_context, io_service,
// asio_directsockets::io_context, `using namespace boost::asio;`) names this
// one. Same interface and semantics as Boost's (run/poll/stop/restart, a
// standard executor, strand, work, service), driven by the backend reactor.
// One thread runs a given io_context at a time; other threads may post to it.
#pragma once

#if defined(BOOST_ASIO_IO_CONTEXT_HPP) && !defined(ASIO_DS_OWNS_BOOST_IO_CONTEXT)
#error \
    "Boost.Asio's io_context.hpp was included before <asio_directsockets.hpp>: include \
asio_directsockets.hpp first (linking the CMake target asio_directsockets::asio_directsockets \
force-includes it into every translation unit)"
#endif
#define ASIO_DS_OWNS_BOOST_IO_CONTEXT 1
// Boost's io_context.hpp and io_context_strand.hpp are replaced by this header
// and io_context_strand.hpp; their guards keep Boost's from being compiled.
#define BOOST_ASIO_IO_CONTEXT_HPP
#define BOOST_ASIO_IO_CONTEXT_STRAND_HPP
#define BOOST_ASIO_IO_SERVICE_STRAND_HPP

#include <asio_directsockets/detail/clock_math.hpp>
#include <asio_directsockets/detail/context_marker.hpp>
#include <asio_directsockets/detail/executor_op.hpp>
#include <asio_directsockets/detail/handler_work.hpp>
#include <asio_directsockets/detail/scheduler.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/detail/wrapped_handler.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>

namespace asio_directsockets {
namespace detail {
class scheduler;
}
}  // namespace asio_directsockets

namespace boost::asio {

class io_context : public boost::asio::execution_context {
 public:
  template <typename Allocator, std::uintptr_t Bits>
  class basic_executor_type;
  using executor_type = basic_executor_type<std::allocator<void>, 0>;
  using count_type = std::size_t;

  class work;
  friend class work;
  class strand;  // io_context_strand.hpp
  class id;
  class service;

  io_context();
  explicit io_context(int /*concurrency_hint*/) : io_context() {}
  io_context(const io_context&) = delete;
  io_context& operator=(const io_context&) = delete;
  ~io_context() {
    // Services (timer queues) first, while the scheduler they use still
    // exists; then every operation still pending is destroyed unrun.
    boost::asio::execution_context::shutdown();
    impl_.shutdown();
  }

  executor_type get_executor() noexcept;

  count_type run() { return impl_.run(); }
  count_type run_one() { return impl_.run_one(); }
  count_type poll() { return impl_.poll(); }
  count_type poll_one() { return impl_.poll_one(); }

  template <typename Rep, typename Period>
  count_type run_for(const std::chrono::duration<Rep, Period>& rel_time) {
    return impl_.run_until(steady_deadline(rel_time));
  }
  template <typename Clock, typename Duration>
  count_type run_until(const std::chrono::time_point<Clock, Duration>& abs_time) {
    return impl_.run_until(steady_deadline(
        ::asio_directsockets::detail::saturating_difference(abs_time, Clock::now())));
  }
  template <typename Rep, typename Period>
  count_type run_one_for(const std::chrono::duration<Rep, Period>& rel_time) {
    return impl_.run_one_until(steady_deadline(rel_time));
  }
  template <typename Clock, typename Duration>
  count_type run_one_until(const std::chrono::time_point<Clock, Duration>& abs_time) {
    return impl_.run_one_until(steady_deadline(
        ::asio_directsockets::detail::saturating_difference(abs_time, Clock::now())));
  }

  void stop() { impl_.stop(); }
  bool stopped() const { return impl_.stopped(); }
  void restart() { impl_.restart(); }
  void reset() { impl_.restart(); }  // the pre-1.66 spelling, still used in the wild

  // The pre-executor members (deprecated in Boost.Asio, still common in older
  // programs): post/dispatch a handler to this context, or wrap one so that
  // invoking it dispatches it here.
  template <typename LegacyCompletionHandler>
  auto post(LegacyCompletionHandler&& handler) {
    return boost::asio::post(*this, std::forward<LegacyCompletionHandler>(handler));
  }
  template <typename LegacyCompletionHandler>
  auto dispatch(LegacyCompletionHandler&& handler) {
    return boost::asio::dispatch(*this, std::forward<LegacyCompletionHandler>(handler));
  }
  template <typename Handler>
  boost::asio::detail::wrapped_handler<io_context&, Handler> wrap(Handler handler) {
    return boost::asio::detail::wrapped_handler<io_context&, Handler>(*this, handler);
  }

  // Internal: what the library's I/O objects run on.
  ::asio_directsockets::detail::scheduler& impl() noexcept { return impl_; }

 private:
  template <typename Rep, typename Period>
  static std::chrono::steady_clock::time_point steady_deadline(
      const std::chrono::duration<Rep, Period>& d) {
    auto now = std::chrono::steady_clock::now();
    if (d <= d.zero()) return now;
    auto max_left = std::chrono::steady_clock::time_point::max() - now;
    if (d >= max_left) return std::chrono::steady_clock::time_point::max();
    return now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(d);
  }

  ::asio_directsockets::detail::scheduler impl_;
};

// A standard executor (P0443 properties as Boost.Asio 1.81 defines them), so
// any_io_executor, strands, co_spawn and every completion token accept it.
template <typename Allocator, std::uintptr_t Bits>
class io_context::basic_executor_type {
  static constexpr unsigned int blocking_never = 1;
  static constexpr unsigned int relationship_continuation = 2;
  static constexpr unsigned int outstanding_work_tracked = 4;
  static constexpr unsigned int runtime_bits = blocking_never | relationship_continuation;

 public:
  basic_executor_type(const basic_executor_type& other) noexcept
      : context_(other.context_), allocator_(other.allocator_), bits_(other.bits_) {
    if (Bits & outstanding_work_tracked)
      if (context_) context_->impl_.work_started();
  }
  basic_executor_type(basic_executor_type&& other) noexcept
      : context_(other.context_), allocator_(std::move(other.allocator_)), bits_(other.bits_) {
    if (Bits & outstanding_work_tracked) other.context_ = nullptr;
  }
  ~basic_executor_type() noexcept {
    if (Bits & outstanding_work_tracked)
      if (context_) context_->impl_.work_finished();
  }
  basic_executor_type& operator=(const basic_executor_type& other) noexcept {
    if (this != &other) {
      basic_executor_type tmp(other);
      swap(tmp);
    }
    return *this;
  }
  basic_executor_type& operator=(basic_executor_type&& other) noexcept {
    if (this != &other) {
      basic_executor_type tmp(std::move(other));
      swap(tmp);
    }
    return *this;
  }

  // --- require / prefer -------------------------------------------------
  constexpr basic_executor_type require(boost::asio::execution::blocking_t::possibly_t) const {
    return basic_executor_type(context_, allocator_, bits_ & ~blocking_never);
  }
  constexpr basic_executor_type require(boost::asio::execution::blocking_t::never_t) const {
    return basic_executor_type(context_, allocator_, bits_ | blocking_never);
  }
  constexpr basic_executor_type require(boost::asio::execution::relationship_t::fork_t) const {
    return basic_executor_type(context_, allocator_, bits_ & ~relationship_continuation);
  }
  constexpr basic_executor_type require(
      boost::asio::execution::relationship_t::continuation_t) const {
    return basic_executor_type(context_, allocator_, bits_ | relationship_continuation);
  }
  constexpr basic_executor_type<Allocator, Bits | outstanding_work_tracked> require(
      boost::asio::execution::outstanding_work_t::tracked_t) const {
    return basic_executor_type<Allocator, Bits | outstanding_work_tracked>(context_, allocator_,
                                                                           bits_);
  }
  constexpr basic_executor_type<Allocator, Bits & ~outstanding_work_tracked> require(
      boost::asio::execution::outstanding_work_t::untracked_t) const {
    return basic_executor_type<Allocator, Bits & ~outstanding_work_tracked>(context_, allocator_,
                                                                            bits_);
  }
  template <typename OtherAllocator>
  constexpr basic_executor_type<OtherAllocator, Bits> require(
      boost::asio::execution::allocator_t<OtherAllocator> a) const {
    return basic_executor_type<OtherAllocator, Bits>(context_, a.value(), bits_);
  }
  constexpr basic_executor_type<std::allocator<void>, Bits> require(
      boost::asio::execution::allocator_t<void>) const {
    return basic_executor_type<std::allocator<void>, Bits>(context_, std::allocator<void>(), bits_);
  }

  // --- query ------------------------------------------------------------
  static constexpr boost::asio::execution::mapping_t query(
      boost::asio::execution::mapping_t) noexcept {
    return boost::asio::execution::mapping.thread;
  }
  io_context& query(boost::asio::execution::context_t) const noexcept { return *context_; }
  constexpr boost::asio::execution::blocking_t query(
      boost::asio::execution::blocking_t) const noexcept {
    return (bits_ & blocking_never)
               ? boost::asio::execution::blocking_t(boost::asio::execution::blocking.never)
               : boost::asio::execution::blocking_t(boost::asio::execution::blocking.possibly);
  }
  constexpr boost::asio::execution::relationship_t query(
      boost::asio::execution::relationship_t) const noexcept {
    return (bits_ & relationship_continuation)
               ? boost::asio::execution::relationship_t(
                     boost::asio::execution::relationship.continuation)
               : boost::asio::execution::relationship_t(boost::asio::execution::relationship.fork);
  }
  static constexpr boost::asio::execution::outstanding_work_t query(
      boost::asio::execution::outstanding_work_t) noexcept {
    return (Bits & outstanding_work_tracked)
               ? boost::asio::execution::outstanding_work_t(
                     boost::asio::execution::outstanding_work.tracked)
               : boost::asio::execution::outstanding_work_t(
                     boost::asio::execution::outstanding_work.untracked);
  }
  template <typename OtherAllocator>
  constexpr Allocator query(boost::asio::execution::allocator_t<OtherAllocator>) const noexcept {
    return allocator_;
  }
  constexpr Allocator query(boost::asio::execution::allocator_t<void>) const noexcept {
    return allocator_;
  }

  bool running_in_this_thread() const noexcept { return context_->impl_.running_in_this_thread(); }
  io_context& context() const noexcept { return *context_; }

  // The Networking TS executor members Boost.Asio keeps (what the type-erased
  // boost::asio::executor, and strands over it, call).
  void on_work_started() const noexcept { context_->impl_.work_started(); }
  void on_work_finished() const noexcept { context_->impl_.work_finished(); }
  template <typename Function, typename OtherAllocator>
  void dispatch(Function&& f, const OtherAllocator& a) const {
    basic_executor_type<OtherAllocator, 0>(context_, a, 0).execute(std::forward<Function>(f));
  }
  template <typename Function, typename OtherAllocator>
  void post(Function&& f, const OtherAllocator& a) const {
    basic_executor_type<OtherAllocator, 0>(context_, a, blocking_never)
        .execute(std::forward<Function>(f));
  }
  template <typename Function, typename OtherAllocator>
  void defer(Function&& f, const OtherAllocator& a) const {
    basic_executor_type<OtherAllocator, 0>(context_, a, blocking_never | relationship_continuation)
        .execute(std::forward<Function>(f));
  }

  friend bool operator==(const basic_executor_type& a, const basic_executor_type& b) noexcept {
    return a.context_ == b.context_ && a.allocator_ == b.allocator_ && a.bits_ == b.bits_;
  }
  friend bool operator!=(const basic_executor_type& a, const basic_executor_type& b) noexcept {
    return !(a == b);
  }

  // Runs f inline when blocking.possibly and already inside this context's
  // run loop on this thread; otherwise queues it.
  template <typename Function>
  void execute(Function&& f) const {
    using function_type = std::decay_t<Function>;
    if (!(bits_ & blocking_never) && context_->impl_.running_in_this_thread()) {
      function_type tmp(std::forward<Function>(f));
      std::move(tmp)();
      return;
    }
    auto alloc = ::asio_directsockets::detail::effective_allocator(allocator_);
    using op = ::asio_directsockets::detail::executor_op<function_type, decltype(alloc)>;
    context_->impl_.post_immediate_completion(
        op::make(function_type(std::forward<Function>(f)), alloc));
  }

 private:
  friend class io_context;
  template <typename, std::uintptr_t>
  friend class basic_executor_type;

  constexpr basic_executor_type(io_context* ctx, const Allocator& a, unsigned int bits) noexcept
      : context_(ctx), allocator_(a), bits_(bits & runtime_bits) {
    if (Bits & outstanding_work_tracked)
      if (context_) context_->impl_.work_started();
  }

  void swap(basic_executor_type& other) noexcept {
    std::swap(context_, other.context_);
    std::swap(allocator_, other.allocator_);
    std::swap(bits_, other.bits_);
  }

  io_context* context_;
  Allocator allocator_;
  unsigned int bits_;
};

inline io_context::io_context() {
  boost::asio::use_service<::asio_directsockets::detail::context_marker>(*this);
}

inline io_context::executor_type io_context::get_executor() noexcept {
  return executor_type(this, std::allocator<void>(), 0);
}

// The pre-executor way to keep run() from returning; kept for old programs.
class io_context::work {
 public:
  explicit work(io_context& ctx) : ctx_(&ctx) { ctx_->impl_.work_started(); }
  work(const work& other) : ctx_(other.ctx_) { ctx_->impl_.work_started(); }
  work& operator=(const work&) = delete;
  ~work() { ctx_->impl_.work_finished(); }
  io_context& get_io_context() { return *ctx_; }

 private:
  io_context* ctx_;
};

// Services written for Boost.Asio's io_context (derived from io_context::service, constructed
// from an io_context&) work on this one; use_service below creates them.
class io_context::id : public boost::asio::execution_context::id {};

class io_context::service : public boost::asio::execution_context::service {
 public:
  io_context& get_io_context() { return owner_; }
  io_context& get_io_service() { return owner_; }

 protected:
  explicit service(io_context& owner)
      : boost::asio::execution_context::service(owner), owner_(owner) {}
  ~service() override = default;

 private:
  void shutdown() override {}  // Boost.Asio's default: nothing to do

  io_context& owner_;
};

#if !defined(BOOST_ASIO_NO_DEPRECATED)
typedef io_context io_service;
#endif

// Boost declares use_service(io_context&) (a friend of execution_context) and
// leaves its definition to io_context.hpp: services constructed from either an
// io_context& or an execution_context& are made by Boost's registry.
template <typename Service>
inline Service& use_service(io_context& ioc) {
  (void)static_cast<execution_context::service*>(static_cast<Service*>(nullptr));
  (void)static_cast<const execution_context::id*>(&Service::id);
  return ioc.service_registry_->template use_service<Service>(ioc);
}

namespace execution {
template <>
struct is_executor<io_context> : false_type {};
}  // namespace execution

}  // namespace boost::asio

namespace asio_directsockets {

using io_context = boost::asio::io_context;
using io_service = boost::asio::io_context;
using boost::asio::use_service;

namespace detail {

// handler_work's fast path (detail/handler_work.hpp): our executors, bare or in any_io_executor.
template <typename Allocator, std::uintptr_t Bits>
struct runs_inline_in_own_context<io_context::basic_executor_type<Allocator, Bits>> {
  static bool check(const io_context::basic_executor_type<Allocator, Bits>& ex) noexcept {
    return ex.query(boost::asio::execution::blocking) == boost::asio::execution::blocking.possibly;
  }
};

template <>
struct runs_inline_in_own_context<boost::asio::any_io_executor> {
  static bool check(const boost::asio::any_io_executor& ex) noexcept {
    const auto* own = ex.target<io_context::executor_type>();
    return own && runs_inline_in_own_context<io_context::executor_type>::check(*own);
  }
};

}  // namespace detail

}  // namespace asio_directsockets

#include <asio_directsockets/detail/boost_handler_work.hpp>
