#include <asio_directsockets/detail/resolve_ops.hpp>

#include <cerrno>

#if defined(__EMSCRIPTEN__)
#include <asio_directsockets/detail/backend/direct_sockets/backend.hpp>

#include <arpa/inet.h>
#endif

namespace asio_directsockets::detail {

bool lookup_service(const std::string& service, std::string& port) {
  port = service;
#if defined(__EMSCRIPTEN__)
  // No /etc/services in a browser: the well-known names programs use.
  static const std::pair<const char*, const char*> known[] = {
      {"http", "80"}, {"https", "443"}, {"ftp", "21"},   {"ssh", "22"},     {"telnet", "23"},
      {"smtp", "25"}, {"domain", "53"}, {"pop3", "110"}, {"imap", "143"},   {"ntp", "123"},
      {"ws", "80"},   {"wss", "443"},   {"echo", "7"},   {"daytime", "13"}, {"mqtt", "1883"}};
  for (const auto& [name, number] : known) {
    if (service == name) {
      port = number;
      return true;
    }
  }
  // Anything else must be a port number. Emscripten's getaddrinfo() takes parseInt() of the
  // service, which would turn "-1" into port 65535 and "80x" into 80 where glibc says
  // EAI_SERVICE.
  if (service.empty()) return true;
  if (service.size() > 5) return false;
  for (char c : service)
    if (c < '0' || c > '9') return false;
  return std::stoi(service) <= 65535;
#else
  return true;
#endif
}

std::string lookup_host(const std::string& host, int& flags) {
#if defined(__EMSCRIPTEN__)
  if (host.empty()) return host;
  unsigned char buf[16];
  if (::inet_pton(AF_INET, host.c_str(), buf) == 1 || ::inet_pton(AF_INET6, host.c_str(), buf) == 1)
    return host;
  if (host == "localhost") return "127.0.0.1";
  in_addr synthetic{htonl(ds::name_to_synthetic_v4(host.c_str()))};
  char text[INET_ADDRSTRLEN];
  ::inet_ntop(AF_INET, &synthetic, text, sizeof text);
  flags |= AI_NUMERICHOST;
  return text;
#else
  (void)flags;
  return host;
#endif
}

boost::system::error_code translate_addrinfo_error(int error) {
  namespace e = boost::asio::error;
  switch (error) {
    case 0:
      return {};
    case EAI_AGAIN:
      return e::host_not_found_try_again;
    case EAI_BADFLAGS:
      return e::invalid_argument;
    case EAI_FAIL:
      return e::no_recovery;
    case EAI_FAMILY:
      return e::address_family_not_supported;
    case EAI_MEMORY:
      return e::no_memory;
    case EAI_NONAME:
#if defined(EAI_ADDRFAMILY)
    case EAI_ADDRFAMILY:
#endif
#if defined(EAI_NODATA) && (EAI_NODATA != EAI_NONAME)
    case EAI_NODATA:
#endif
      return e::host_not_found;
    case EAI_SERVICE:
      return e::service_not_found;
    case EAI_SOCKTYPE:
      return e::socket_type_not_supported;
#if defined(EAI_SYSTEM)
    case EAI_SYSTEM:
      return boost::system::error_code(errno, e::get_system_category());
#endif
    default:  // Possibly the non-portable EAI_SYSTEM.
      return boost::system::error_code(errno ? errno : EINVAL, e::get_system_category());
  }
}

}  // namespace asio_directsockets::detail
