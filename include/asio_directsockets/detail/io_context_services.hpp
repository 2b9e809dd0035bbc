// Creates the services written for Boost.Asio's io_context (constructed from an io_context&)
// on this library's io_context. Boost's own use_service only knows how to construct a service
// from an execution_context&, so these are made here and handed to Boost's registry, which
// owns them and shuts them down with the context as usual.
#pragma once

#include <boost/asio/execution_context.hpp>

#include <memory>
#include <mutex>
#include <unordered_map>

namespace asio_directsockets::detail {

class io_context_services : public boost::asio::execution_context::service {
 public:
  using key_type = io_context_services;
  static inline boost::asio::execution_context::id id;
  explicit io_context_services(boost::asio::execution_context& ctx)
      : boost::asio::execution_context::service(ctx) {}

  static io_context_services& of(boost::asio::execution_context& ctx) {
    return boost::asio::use_service<io_context_services>(ctx);
  }

  // The one Service of this context, made on first use. Recursive: a service's constructor
  // may use another.
  template <typename Service, typename Context>
  Service& use(Context& ctx) {
    std::lock_guard lock(mutex_);
    if (auto it = made_.find(&Service::id); it != made_.end())
      return *static_cast<Service*>(it->second);
    auto owned = std::make_unique<Service>(ctx);
    boost::asio::add_service(ctx, owned.get());  // throws service_already_exists if made elsewhere
    Service* svc = owned.release();
    made_.emplace(&Service::id, svc);
    return *svc;
  }

 private:
  void shutdown() override {}

  std::recursive_mutex mutex_;
  std::unordered_map<const void*, boost::asio::execution_context::service*> made_;
};

}  // namespace asio_directsockets::detail
