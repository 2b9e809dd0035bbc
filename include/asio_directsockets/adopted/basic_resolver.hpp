// boost::asio::ip::basic_resolver<ip::tcp|ip::udp, Executor>, i.e.
// boost::asio::ip::tcp::resolver and ip::udp::resolver: this library's
// resolver_object (getaddrinfo on a worker natively, Direct Sockets' own
// name resolution in the browser).
#pragma once

#include <asio_directsockets/adopted/protocols.hpp>
#include <asio_directsockets/objects/resolver_object.hpp>

#include <boost/asio/ip/basic_resolver.hpp>

#include <type_traits>
#include <utility>

namespace boost::asio::ip {

template <typename InternetProtocol, typename Executor>
requires asio_directsockets::adopted::internet_protocol<InternetProtocol>
class basic_resolver<InternetProtocol, Executor>
    : public asio_directsockets::objects::resolver_object<InternetProtocol, Executor> {
  using body = asio_directsockets::objects::resolver_object<InternetProtocol, Executor>;

 public:
  template <typename Executor1>
  struct rebind_executor {
    using other = basic_resolver<InternetProtocol, Executor1>;
  };

  using body::body;
  basic_resolver(basic_resolver&&) noexcept = default;
  basic_resolver& operator=(basic_resolver&&) noexcept = default;
  template <typename Executor1,
            std::enable_if_t<std::is_convertible_v<Executor1, Executor>, int> = 0>
  basic_resolver(basic_resolver<InternetProtocol, Executor1>&& other) : body(std::move(other)) {}
};

}  // namespace boost::asio::ip
