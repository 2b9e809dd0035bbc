// Socket addresses as Direct Sockets takes them (text and port), and the
// synthetic addresses that stand for host names (the browser has no DNS API).
#include "record.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace asio_directsockets::detail::ds {

namespace {
std::vector<std::string> synthetic_names;
}  // namespace

bool to_text(const sockaddr* addr, std::size_t len, std::string& host, int& port) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (!addr) return false;
  if (addr->sa_family == AF_INET && len >= sizeof(sockaddr_in)) {
    auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    port = ntohs(in->sin_port);
    if (const char* name = synthetic_v4_to_name(ntohl(in->sin_addr.s_addr))) {
      host = name;
      return true;
    }
    ::inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
  } else if (addr->sa_family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    port = ntohs(in6->sin6_port);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
  } else {
    return false;
  }
  host = buf;
  return true;
}

bool is_placeholder(const sockaddr* addr, std::size_t len) {
  if (!addr || addr->sa_family != AF_INET || len < sizeof(sockaddr_in)) return false;
  auto* in = reinterpret_cast<const sockaddr_in*>(addr);
  return synthetic_v4_to_name(ntohl(in->sin_addr.s_addr)) != nullptr;
}

bool names_this_host(const std::string& name) {
  char own[256] = {};
  return ::gethostname(own, sizeof own - 1) == 0 && name == own;
}

void from_text(const char* host, int port, int family, sockaddr* addr, std::size_t* len) {
  if (family == AF_INET6) {
    sockaddr_in6 in6{};
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(static_cast<unsigned short>(port));
    in_addr v4;
    if (::inet_pton(AF_INET6, host, &in6.sin6_addr) != 1 && ::inet_pton(AF_INET, host, &v4) == 1) {
      in6.sin6_addr.s6_addr[10] = in6.sin6_addr.s6_addr[11] = 0xff;  // v4-mapped
      std::memcpy(&in6.sin6_addr.s6_addr[12], &v4, 4);
    }
    std::memcpy(addr, &in6, std::min(*len, sizeof in6));
    *len = sizeof in6;
  } else {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_port = htons(static_cast<unsigned short>(port));
    if (::inet_pton(AF_INET, host, &in.sin_addr) != 1) {
      in6_addr v6;  // a v4-mapped IPv6 text from the browser
      if (::inet_pton(AF_INET6, host, &v6) == 1) std::memcpy(&in.sin_addr, &v6.s6_addr[12], 4);
    }
    std::memcpy(addr, &in, std::min(*len, sizeof in));
    *len = sizeof in;
  }
}

unsigned name_to_synthetic_v4(const char* name) {
  for (std::size_t i = 0; i < synthetic_names.size(); ++i)
    if (synthetic_names[i] == name) return 0xF0000000u + static_cast<unsigned>(i) + 1;
  synthetic_names.emplace_back(name);
  return 0xF0000000u + static_cast<unsigned>(synthetic_names.size());
}

const char* synthetic_v4_to_name(unsigned address) {
  if ((address & 0xFF000000u) != 0xF0000000u) return nullptr;
  unsigned index = address - 0xF0000000u;
  if (index == 0 || index > synthetic_names.size()) return nullptr;
  return synthetic_names[index - 1].c_str();
}

}  // namespace asio_directsockets::detail::ds
