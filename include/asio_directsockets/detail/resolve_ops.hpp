// getaddrinfo()/getnameinfo() with Asio's error mapping and result types.
#pragma once

#include <boost/asio/error.hpp>
#include <boost/asio/ip/basic_resolver_results.hpp>
#include <boost/asio/ip/resolver_base.hpp>

#include <netdb.h>
#include <sys/socket.h>
#include <string>

namespace asio_directsockets::detail {

boost::system::error_code translate_addrinfo_error(int error);

// The host text getaddrinfo() should see. Natively the name itself. In a
// browser there is no DNS: IP literals and "localhost" resolve locally, and
// any other name becomes an address in 240.0.0.0/8 that stands for it, which
// connect() turns back into the name for Direct Sockets to resolve.
std::string lookup_host(const std::string& host, int& flags);
// The service text getaddrinfo() should see, or false if no port can be named by it (then
// the lookup fails with service_not_found, as glibc's does).
bool lookup_service(const std::string& service, std::string& port);

// Runs getaddrinfo; `family`/`socktype`/`protocol` as in the hints.
template <typename Protocol>
boost::asio::ip::basic_resolver_results<Protocol> resolve_names(const std::string& host,
                                                                const std::string& service,
                                                                int flags, int family, int socktype,
                                                                int protocol,
                                                                boost::system::error_code& ec) {
  addrinfo hints{};
  hints.ai_flags = flags;
  hints.ai_family = family;
  hints.ai_socktype = socktype;
  hints.ai_protocol = protocol;
  addrinfo* result = nullptr;
  const std::string lookup = lookup_host(host, hints.ai_flags);
  std::string port;
  if (!lookup_service(service, port)) {
    ec = boost::asio::error::service_not_found;
    return {};
  }
  int error = ::getaddrinfo(lookup.empty() ? nullptr : lookup.c_str(),
                            port.empty() ? nullptr : port.c_str(), &hints, &result);
  ec = translate_addrinfo_error(error);
  if (ec) return {};
  auto results = boost::asio::ip::basic_resolver_results<Protocol>::create(result, host, service);
  ::freeaddrinfo(result);
  return results;
}

// Reverse lookup of one endpoint (host and service names).
template <typename Protocol>
boost::asio::ip::basic_resolver_results<Protocol> resolve_endpoint(
    const typename Protocol::endpoint& endpoint, boost::system::error_code& ec) {
  char host[NI_MAXHOST];
  char service[NI_MAXSERV];
  int flags = endpoint.protocol().type() == SOCK_DGRAM ? NI_DGRAM : 0;
  int error = ::getnameinfo(endpoint.data(), static_cast<socklen_t>(endpoint.size()), host,
                            sizeof host, service, sizeof service, flags);
  if (error) {
    // No service name for the port: report it numerically, as Asio does.
    error = ::getnameinfo(endpoint.data(), static_cast<socklen_t>(endpoint.size()), host,
                          sizeof host, service, sizeof service, flags | NI_NUMERICSERV);
  }
  ec = translate_addrinfo_error(error);
  if (ec) return {};
  return boost::asio::ip::basic_resolver_results<Protocol>::create(endpoint, host, service);
}

}  // namespace asio_directsockets::detail
