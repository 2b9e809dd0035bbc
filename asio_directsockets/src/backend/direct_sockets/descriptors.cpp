// The Direct Sockets backend's sockets: the table of records and every call
// that is not an operation (open, close, bind, listen, options, endpoints).
// Direct Sockets has no setsockopt and no separate bind: options and the
// local address are remembered here and become the constructor arguments of
// the TCPSocket, TCPServerSocket or UDPSocket when it opens (operations.cpp).
#include "record.hpp"

#include <asio_directsockets/detail/backend/direct_sockets/bridge.hpp>

#include <boost/asio/error.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace asio_directsockets::detail::ds {

namespace {

namespace e = boost::asio::error;

#if defined(__EMSCRIPTEN_PTHREADS__)
using table_mutex = std::mutex;
#else
struct table_mutex {  // one thread: nothing to lock
  void lock() {}
  void unlock() {}
};
#endif

// The table is shared by every thread (a descriptor is a number any thread may hold); the
// mutex guards it, not the records: a record is used by its realm's thread only.
table_mutex table;
std::unordered_map<int, std::unique_ptr<record>> records;
int next_fd = first_fd;
// Closed by a thread other than their realm's, waiting for that thread (reap_orphans).
std::vector<std::unique_ptr<record>> orphans;
std::atomic<bool> have_orphans{false};

int insert(std::unique_ptr<record> r) {
  std::lock_guard<table_mutex> lock(table);
  r->fd = next_fd++;
  const int fd = r->fd;
  records[fd] = std::move(r);
  return fd;
}

std::unique_ptr<record> take(int fd) {
  std::lock_guard<table_mutex> lock(table);
  auto it = records.find(fd);
  if (it == records.end()) return nullptr;
  std::unique_ptr<record> r = std::move(it->second);
  records.erase(it);
  return r;
}

bool lingers_zero(const record& r) {
  auto it = r.options.find({SOL_SOCKET, SO_LINGER});
  if (it == r.options.end() || it->second.size() < sizeof(::linger)) return false;
  ::linger l;
  std::memcpy(&l, it->second.data(), sizeof l);
  return l.l_onoff && l.l_linger == 0;
}

bool is_wildcard(const std::string& address) {
  return address == "0.0.0.0" || address == "::";
}

// Another listener of this program on (address, port), which bind() reports natively as
// address_in_use. Direct Sockets binds and listens in one step, so a listener of another
// program is only found by listen(), when the TCPServerSocket opens.
bool listener_here(const record& self, const std::string& address, int port) {
  if (port == 0) return false;
  std::lock_guard<table_mutex> lock(table);
  for (const auto& entry : records) {
    const record& o = *entry.second;
    if (&o == &self || o.kind != socket_kind::listener || o.state == phase::failed) continue;
    std::string other = o.have_local ? o.local_address : std::string();
    int other_port = o.local_port;
    char text[64] = {};
    int p = 0;
    if (o.handle && in_realm(o) && ads_endpoint(o.handle, 0, text, &p) == 0) {
      other = text;
      other_port = p;
    }
    if (other_port != port) continue;
    if (other.empty() || other == address || is_wildcard(other) || is_wildcard(address))
      return true;
  }
  return false;
}

}  // namespace

record* find_here(int fd, error_code& ec) {
  record* r = find(fd);
  if (!r) {
    ec = e::bad_descriptor;
  } else if (!in_realm(*r)) {
    ec = wrong_thread();
    return nullptr;
  }
  return r;
}

// Closes r on its realm's thread: its operations complete with operation_aborted, its Direct
// Sockets object closes.
void let_go(record& r) {
  abort_all(r);
  if (r.open_id) release_op_id(std::exchange(r.open_id, 0));
  if (r.handle) {
    // Both drop the buffers of pending ops now. ads_close flushes what was written and closes
    // gracefully in the background; SO_LINGER with a zero timeout asks for the abortive close.
    if (lingers_zero(r))
      ads_abort(r.handle);
    else
      ads_close(r.handle);
  }
}

record* find(int fd) {
  std::lock_guard<table_mutex> lock(table);
  auto it = records.find(fd);
  return it == records.end() ? nullptr : it->second.get();
}

std::vector<record*> records_of_this_thread() {
  std::vector<record*> mine;
  std::lock_guard<table_mutex> lock(table);
  for (auto& entry : records)
    if (in_realm(*entry.second)) mine.push_back(entry.second.get());
  return mine;
}

std::vector<record*> records_claimed_by_this_thread() {
  std::vector<record*> mine;
#if defined(__EMSCRIPTEN_PTHREADS__)
  std::lock_guard<table_mutex> lock(table);
  for (auto& entry : records) {
    record& r = *entry.second;
    if (r.realm && !r.realm_ended && pthread_equal(r.realm, pthread_self())) mine.push_back(&r);
  }
#endif
  return mine;
}

void reap_orphans() {
  if (!have_orphans.load(std::memory_order_acquire)) return;
  std::vector<std::unique_ptr<record>> mine;
  {
    std::lock_guard<table_mutex> lock(table);
    for (auto& o : orphans)
      if (in_realm(*o)) mine.push_back(std::move(o));
    orphans.erase(std::remove(orphans.begin(), orphans.end(), nullptr), orphans.end());
    have_orphans.store(!orphans.empty(), std::memory_order_release);
  }
  for (auto& r : mine)
    let_go(*r);
}

int option_int(const record& r, int level, int name, int unset) {
  auto it = r.options.find({level, name});
  if (it == r.options.end() || it->second.size() < sizeof(int)) return unset;
  int v;
  std::memcpy(&v, it->second.data(), sizeof v);
  return v;
}
int buffer_arg(const record& r, int name) {
  int v = option_int(r, SOL_SOCKET, name, 0);
  return v > 0 ? v : 0;
}
int v6only_arg(const record& r) {
  int v = option_int(r, IPPROTO_IPV6, IPV6_V6ONLY, -1);
  return v < 0 ? -1 : (v ? 1 : 0);
}

bool is_descriptor(int fd) {
  return find(fd) != nullptr;
}

int open(int family, int type, error_code& ec) {
  if (family != AF_INET && family != AF_INET6) {  // Direct Sockets speak IPv4 and IPv6 only
    ec = e::address_family_not_supported;
    return -1;
  }
  if (type != SOCK_STREAM && type != SOCK_DGRAM) {
    ec = e::socket_type_not_supported;
    return -1;
  }
  auto r = std::make_unique<record>();
  r->family = family;
  r->kind = type == SOCK_STREAM ? socket_kind::stream : socket_kind::datagram;
  ec.clear();
  return insert(std::move(r));
}

int adopt_accepted(int family, int handle) {
  auto r = std::make_unique<record>();
  r->family = family;
  r->kind = socket_kind::stream;
  r->state = phase::open;
  r->handle = handle;
  claim_realm(*r);  // the accepting thread's JS holds the connection
  return insert(std::move(r));
}

void close(int fd, error_code& ec) {
  ec.clear();
  std::unique_ptr<record> r = take(fd);
  if (!r) {
    ec = e::bad_descriptor;
    return;
  }
#if defined(__EMSCRIPTEN_PTHREADS__)
  if (r->realm_ended) return;  // its thread has ended and closed it: nothing left in any JS
#endif
  if (!in_realm(*r)) {
    // Closed from another thread (a socket destroyed after its runner ended, say): the
    // descriptor is gone now; the thread holding the Direct Sockets object lets go of it the
    // next time it runs the library's event loop.
#if defined(__EMSCRIPTEN_PTHREADS__)
    void* owner = r->last_owner.load(std::memory_order_relaxed);
    {
      std::lock_guard<table_mutex> lock(table);
      orphans.push_back(std::move(r));
      have_orphans.store(true, std::memory_order_release);
    }
    if (owner) wake_owner(owner);  // its pending operations must end now
#endif
    return;
  }
  let_go(*r);
}

void bind(int fd, const sockaddr* addr, std::size_t len, error_code& ec) {
  record* r = find_here(fd, ec);
  if (!r) return;
  if (wrong_family(*r, addr)) {
    ec = e::address_family_not_supported;
    return;
  }
  if (r->handle || r->have_local) {
    ec = e::invalid_argument;  // already bound, as EINVAL natively
    return;
  }
  if (!to_text(addr, len, r->local_address, r->local_port)) {
    ec = e::address_family_not_supported;
    return;
  }
  if (is_placeholder(addr, len)) {
    // A resolved name. This machine's own name (ip::host_name()) means this host: the wildcard
    // of the family. Any other name is not an address of this machine: EADDRNOTAVAIL, as a
    // native bind to a foreign address.
    if (!names_this_host(r->local_address)) {
      r->local_address.clear();
      ec = make_error_code(boost::system::errc::address_not_available);
      return;
    }
    r->local_address = "0.0.0.0";
  }
  if (r->kind != socket_kind::datagram && listener_here(*r, r->local_address, r->local_port)) {
    ec = e::address_in_use;
    return;
  }
  r->have_local = true;
  ec.clear();
  if (r->kind == socket_kind::datagram) {
    // A bound UDP socket opens now so local_endpoint() can report the port (in callback mode,
    // once it has opened).
    if (int failed = open_datagram(*r)) {
      ec = to_error_code(failed);
      return;
    }
    wait_for_open(*r);
    if (r->state == phase::failed) ec = to_error_code(r->open_result);
  }
}

void listen(int fd, int backlog, error_code& ec) {
  record* r = find_here(fd, ec);
  if (!r) return;
  if (r->kind == socket_kind::datagram) {
    ec = e::operation_not_supported;
    return;
  }
  if (r->kind == socket_kind::listener) {
    ec.clear();
    return;
  }
  if (r->state != phase::unopened) {
    // Connected or connecting (a descriptor assigned to an acceptor): EINVAL, as natively.
    // Replacing the handle would orphan the connection and its pending operations.
    ec = e::invalid_argument;
    return;
  }
  const char* any = r->family == AF_INET6 ? "::" : "0.0.0.0";
  // SOMAXCONN (Asio's max_listen_connections) means "as many as the system allows": Emscripten's
  // headers say 128, where Linux allows net.core.somaxconn (4096), so it becomes no backlog
  // option (Chromium's default, the system's). A queue of 128 overflows under a burst of
  // connections, and every dropped SYN costs the client a one-second retransmit.
  const int asked = backlog > 0 && backlog < SOMAXCONN ? backlog : 0;
  const int id = new_op_id(*r, open_slot);
  claim_realm(*r);
  const int h = ads_tcp_listen(id, r->have_local ? r->local_address.c_str() : any, r->local_port,
                               asked, v6only_arg(*r));
  if (h < 0) {
    release_op_id(id);
    ec = to_error_code(failure_code(h));
    return;
  }
  r->handle = h;
  r->kind = socket_kind::listener;
  r->state = phase::opening;
  r->open_id = id;
  ec.clear();
  wait_for_open(*r);  // callback mode: accept waits for the listener to open
  if (r->state == phase::failed) ec = to_error_code(r->open_result);
}

void shutdown(int fd, int what, error_code& ec) {
  record* r = find_here(fd, ec);
  if (!r) return;
  if (!r->connected()) {
    ec = e::not_connected;
    return;
  }
  if (what == SHUT_WR || what == SHUT_RDWR) ads_shutdown_send(r->handle);
  ec.clear();
}

void setsockopt(int fd, int level, int name, const void* data, std::size_t size, error_code& ec) {
  record* r = find_here(fd, ec);
  if (!r) return;
  if ((level == IPPROTO_IP && (name == IP_ADD_MEMBERSHIP || name == IP_DROP_MEMBERSHIP)) ||
      (level == IPPROTO_IPV6 && (name == IPV6_JOIN_GROUP || name == IPV6_LEAVE_GROUP))) {
    char group[INET6_ADDRSTRLEN] = {};
    if (level == IPPROTO_IP)
      ::inet_ntop(AF_INET, &static_cast<const ip_mreq*>(data)->imr_multiaddr, group, sizeof group);
    else
      ::inet_ntop(AF_INET6, &static_cast<const ipv6_mreq*>(data)->ipv6mr_multiaddr, group,
                  sizeof group);
    if (!r->handle) {
      ec = e::not_connected;  // Direct Sockets joins groups on an open bound socket
      return;
    }
    int res = ads_multicast(r->handle, name == IP_ADD_MEMBERSHIP || name == IPV6_JOIN_GROUP, group);
    ec = res < 0 ? to_error_code(failure_code(res)) : error_code();
    return;
  }
  r->options[{level, name}] = std::string(static_cast<const char*>(data), size);
  ec.clear();
}

void getsockopt(int fd, int level, int name, void* data, std::size_t* size, error_code& ec) {
  record* r = find_here(fd, ec);
  if (!r) return;
  auto it = r->options.find({level, name});
  std::memset(data, 0, *size);
  if (it != r->options.end()) {
    std::memcpy(data, it->second.data(), std::min(*size, it->second.size()));
    *size = std::min(*size, it->second.size());
  }
  ec.clear();
}

void getsockname(int fd, sockaddr* addr, std::size_t* len, error_code& ec) {
  record* r = find_here(fd, ec);
  if (!r) return;
  char text[64] = {};
  int port = 0;
  // A TCPSocket learns its local address when it opens; natively the kernel has chosen it
  // by the time connect() returns. Blocking mode waits for the open; callback mode reports
  // the wildcard until then (docs/browser.md).
  if (r->kind == socket_kind::stream) wait_for_open(*r);
  if (r->handle && ads_endpoint(r->handle, 0, text, &port) == 0) {
    from_text(text, port, r->family, addr, len);
  } else if (r->have_local) {
    from_text(r->local_address.c_str(), r->local_port, r->family, addr, len);
  } else {
    from_text(r->family == AF_INET6 ? "::" : "0.0.0.0", 0, r->family, addr, len);
  }
  ec.clear();
}

void getpeername(int fd, sockaddr* addr, std::size_t* len, error_code& ec) {
  record* r = find_here(fd, ec);
  if (!r) return;
  char text[64] = {};
  int port = 0;
  if (r->connected() && ads_endpoint(r->handle, 1, text, &port) == 0) {
    from_text(text, port, r->family, addr, len);
  } else if ((r->connected() || r->kind == socket_kind::datagram) && r->have_remote) {
    from_text(r->remote_address.c_str(), r->remote_port, r->family, addr, len);
  } else {
    ec = e::not_connected;
    return;
  }
  ec.clear();
}

std::size_t available(int fd, error_code& ec) {
  record* r = find_here(fd, ec);
  if (!r) return 0;
  ec.clear();
  int n = r->handle ? ads_available(r->handle) : 0;
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

}  // namespace asio_directsockets::detail::ds
