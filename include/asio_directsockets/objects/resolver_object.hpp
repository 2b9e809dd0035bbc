// Asio's ip::basic_resolver: forward (host, service) and reverse (endpoint)
// lookups. Asynchronous lookups run on the context's resolve worker, so the
// loop never blocks; results are Boost.Asio's basic_resolver_results.
#pragma once

#include <asio_directsockets/detail/io_op.hpp>
#include <asio_directsockets/detail/resolve_ops.hpp>
#include <asio_directsockets/detail/resolve_worker.hpp>
#include <asio_directsockets/detail/throw_error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/ip/basic_resolver_query.hpp>
#include <boost/asio/ip/basic_resolver_results.hpp>
#include <boost/asio/ip/resolver_base.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

namespace asio_directsockets::objects {

// The body of boost::asio::ip::basic_resolver<ip::tcp|ip::udp, Executor>
// (see adopted/basic_resolver.hpp).
template <typename InternetProtocol, typename Executor>
class resolver_object : public boost::asio::ip::resolver_base {
  template <typename, typename>
  friend class resolver_object;

 public:
  using executor_type = Executor;
  using protocol_type = InternetProtocol;
  using endpoint_type = typename InternetProtocol::endpoint;
  using results_type = boost::asio::ip::basic_resolver_results<InternetProtocol>;
  using iterator = typename results_type::iterator;  // deprecated in Asio, still used
  using query = boost::asio::ip::basic_resolver_query<InternetProtocol>;

  explicit resolver_object(const executor_type& ex)
      : executor_(ex),
        worker_(&boost::asio::use_service<detail::resolve_worker>(detail::context_of(ex))),
        token_(std::make_shared<char>()) {}
  template <typename ExecutionContext,
            std::enable_if_t<
                std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>, int> = 0>
  explicit resolver_object(ExecutionContext& ctx)
      : resolver_object(executor_type(ctx.get_executor())) {}
  resolver_object(resolver_object&& other) noexcept
      : executor_(other.executor_), worker_(other.worker_), token_(std::move(other.token_)) {
    other.token_ = std::make_shared<char>();
  }
  resolver_object& operator=(resolver_object&& other) noexcept {
    if (this != &other) {
      executor_ = other.executor_;
      worker_ = other.worker_;
      token_ = std::move(other.token_);
      other.token_ = std::make_shared<char>();
    }
    return *this;
  }
  // Rebinding the executor, e.g. use_awaitable.as_default_on(resolver).
  template <typename Executor1,
            std::enable_if_t<std::is_convertible_v<Executor1, Executor>, int> = 0>
  resolver_object(resolver_object<InternetProtocol, Executor1>&& other)
      : executor_(other.executor_), worker_(other.worker_), token_(std::move(other.token_)) {
    other.token_ = std::make_shared<char>();
  }
  // Outstanding lookups finish with operation_aborted, as in Asio.
  ~resolver_object() = default;

  executor_type get_executor() noexcept { return executor_; }

  // Pending lookups complete with operation_aborted once their lookup ends.
  void cancel() { token_ = std::make_shared<char>(); }

  // --- synchronous ------------------------------------------------------
  results_type resolve(std::string_view host, std::string_view service) {
    return resolve(host, service, flags());
  }
  results_type resolve(std::string_view host, std::string_view service,
                       boost::system::error_code& ec) {
    return resolve(host, service, flags(), ec);
  }
  results_type resolve(std::string_view host, std::string_view service, flags f) {
    boost::system::error_code ec;
    auto r = resolve(host, service, f, ec);
    detail::throw_error(ec, "resolve");
    return r;
  }
  results_type resolve(std::string_view host, std::string_view service, flags f,
                       boost::system::error_code& ec) {
    return lookup(request::forward(std::nullopt, host, service, f), ec);
  }
  results_type resolve(const protocol_type& protocol, std::string_view host,
                       std::string_view service) {
    return resolve(protocol, host, service, flags());
  }
  results_type resolve(const protocol_type& protocol, std::string_view host,
                       std::string_view service, boost::system::error_code& ec) {
    return resolve(protocol, host, service, flags(), ec);
  }
  results_type resolve(const protocol_type& protocol, std::string_view host,
                       std::string_view service, flags f) {
    boost::system::error_code ec;
    auto r = resolve(protocol, host, service, f, ec);
    detail::throw_error(ec, "resolve");
    return r;
  }
  results_type resolve(const protocol_type& protocol, std::string_view host,
                       std::string_view service, flags f, boost::system::error_code& ec) {
    return lookup(request::forward(protocol, host, service, f), ec);
  }
  results_type resolve(const endpoint_type& e) {
    boost::system::error_code ec;
    auto r = resolve(e, ec);
    detail::throw_error(ec, "resolve");
    return r;
  }
  results_type resolve(const endpoint_type& e, boost::system::error_code& ec) {
    return lookup(request::reverse(e), ec);
  }
  results_type resolve(const query& q) {
    boost::system::error_code ec;
    auto r = resolve(q, ec);
    detail::throw_error(ec, "resolve");
    return r;
  }
  results_type resolve(const query& q, boost::system::error_code& ec) {
    return lookup(request::from_query(q), ec);
  }

  // --- asynchronous -----------------------------------------------------
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code, results_type))
                ResolveToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_resolve(
      std::string_view host, std::string_view service,
      ResolveToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return async_resolve(host, service, flags(), std::forward<ResolveToken>(token));
  }
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code, results_type))
                ResolveToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_resolve(
      std::string_view host, std::string_view service, flags f,
      ResolveToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return start(request::forward(std::nullopt, host, service, f),
                 std::forward<ResolveToken>(token));
  }
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code, results_type))
                ResolveToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_resolve(
      const protocol_type& protocol, std::string_view host, std::string_view service,
      ResolveToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return async_resolve(protocol, host, service, flags(), std::forward<ResolveToken>(token));
  }
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code, results_type))
                ResolveToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_resolve(
      const protocol_type& protocol, std::string_view host, std::string_view service, flags f,
      ResolveToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return start(request::forward(protocol, host, service, f), std::forward<ResolveToken>(token));
  }
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code, results_type))
                ResolveToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_resolve(
      const endpoint_type& e,
      ResolveToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return start(request::reverse(e), std::forward<ResolveToken>(token));
  }
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(boost::system::error_code, results_type))
                ResolveToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_resolve(const query& q, ResolveToken&& token =
                                         boost::asio::default_completion_token_t<executor_type>()) {
    return start(request::from_query(q), std::forward<ResolveToken>(token));
  }

 private:
  // One lookup, as data: what the worker thread needs and nothing else.
  struct request {
    std::string host, service;
    int flags = 0, family = AF_UNSPEC, socktype = 0, protocol = 0;
    std::optional<endpoint_type> endpoint;  // set for reverse lookups

    static request forward(const std::optional<protocol_type>& p, std::string_view host,
                           std::string_view service, resolver_base::flags f) {
      request r;
      r.host = host;
      r.service = service;
      r.flags = static_cast<int>(f);
      const protocol_type proto = p ? *p : endpoint_type().protocol();
      r.family = p ? proto.family() : AF_UNSPEC;
      r.socktype = proto.type();
      r.protocol = proto.protocol();
      return r;
    }
    static request reverse(const endpoint_type& e) {
      request r;
      r.endpoint = e;
      return r;
    }
    static request from_query(const query& q) {
      request r;
      r.host = q.host_name();
      r.service = q.service_name();
      r.flags = q.hints().ai_flags;
      r.family = q.hints().ai_family;
      r.socktype = q.hints().ai_socktype;
      r.protocol = q.hints().ai_protocol;
      return r;
    }
    results_type run(boost::system::error_code& ec) const {
      if (endpoint) return detail::resolve_endpoint<InternetProtocol>(*endpoint, ec);
      return detail::resolve_names<InternetProtocol>(host, service, flags, family, socktype,
                                                     protocol, ec);
    }
  };

  results_type lookup(const request& r, boost::system::error_code& ec) { return r.run(ec); }

  class op_base : public detail::resolve_op {
   public:
    op_base(func_type complete, request r, std::weak_ptr<char> token)
        : detail::resolve_op(&op_base::do_run, complete),
          request_(std::move(r)),
          token_(std::move(token)) {}

    std::tuple<boost::system::error_code, results_type> take_result(boost::system::error_code ec,
                                                                    std::size_t, bool) {
      if (token_.expired()) return {boost::asio::error::operation_aborted, results_type()};
      return {ec, std::move(results_)};
    }

   private:
    static void do_run(detail::resolve_op* base) {
      auto* self = static_cast<op_base*>(base);
      self->results_ = self->request_.run(self->ec_);
    }

    request request_;
    std::weak_ptr<char> token_;
    results_type results_;
  };

  template <typename Token>
  auto start(request r, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, results_type)>(
        initiate_async_resolve(this), token, std::move(r));
  }

  class initiate_async_resolve {
   public:
    using executor_type = Executor;
    explicit initiate_async_resolve(resolver_object* self) : self_(self) {}
    executor_type get_executor() const noexcept { return self_->executor_; }

    template <typename Handler>
    void operator()(Handler&& handler, request r) const {
      using op = detail::io_op<op_base, std::decay_t<Handler>, Executor>;
      op* p = op::make(std::forward<Handler>(handler), self_->executor_, std::move(r),
                       std::weak_ptr<char>(self_->token_));
      self_->worker_->start(p);
    }

   private:
    resolver_object* self_;
  };

  Executor executor_;
  detail::resolve_worker* worker_;
  // Expires on cancel() or destruction: lookups started under it then
  // complete with operation_aborted.
  std::shared_ptr<char> token_;
};

}  // namespace asio_directsockets::objects
