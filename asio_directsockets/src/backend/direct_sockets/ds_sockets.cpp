#include <asio_directsockets/detail/backend/direct_sockets/bridge.hpp>
#include <asio_directsockets/detail/backend/direct_sockets/ds_sockets.hpp>

#include <boost/asio/error.hpp>

#include <arpa/inet.h>
#include <emscripten/emscripten.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <climits>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

namespace asio_directsockets::detail::ds {

namespace {

namespace e = boost::asio::error;

// One JS operation in flight (or finished, waiting to be collected).
struct slot {
  int op = 0;  // 0: nothing in flight
  bool done = false;
  int err = 0;
  int value = 0;
  int len = -1;  // transfers: the buffer's length, the most `value` may say; -1 otherwise
};

// One slot per reactor direction (read, write, except), plus the open of the socket.
enum slot_index { read_slot = 0, write_slot = 1, except_slot = 2, open_slot = 3 };

struct record {
  int family = AF_INET;
  int type = SOCK_STREAM;
  int handle = 0;  // JS handle once the Direct Sockets object exists
  bool listening = false;
  bool accepted = false;
  slot slots[4];
  int open_result = -1;  // -1 while unknown
  bool have_local = false, have_remote = false;
  std::string local_address, remote_address;
  int local_port = 0, remote_port = 0;
  std::map<std::pair<int, int>, std::string> options;  // (level, name) -> bytes
  char from_address[64] = {};
  int from_port = 0;
};

struct op_ref {
  int fd;
  int index;
};

std::unordered_map<int, std::unique_ptr<record>> records;
std::unordered_map<int, op_ref> ops;
std::vector<event> pending_events;
std::vector<std::string> synthetic_names;
int next_fd = first_fd;
int next_op = 1;
bool try_only = false;  // see try_scope

record* find(int fd) {
  auto it = records.find(fd);
  return it == records.end() ? nullptr : it->second.get();
}

int new_op(int fd, int index) {
  if (next_op == INT_MAX) next_op = 1;
  int op = next_op++;
  ops[op] = {fd, index};
  return op;
}

void forget_slot(slot& s) {
  if (s.op) ops.erase(s.op);
  s = slot{};
}

int option_int(const record& r, int level, int name, int unset) {
  auto it = r.options.find({level, name});
  if (it == r.options.end() || it->second.size() < sizeof(int)) return unset;
  int v;
  std::memcpy(&v, it->second.data(), sizeof v);
  return v;
}

// Options become constructor arguments (Direct Sockets has no setsockopt).
int no_delay_arg(const record& r) {
  int v = option_int(r, IPPROTO_TCP, TCP_NODELAY, -1);
  return v < 0 ? -1 : (v ? 1 : 0);
}
int keep_alive_arg(const record& r) {
  int on = option_int(r, SOL_SOCKET, SO_KEEPALIVE, -1);
  return on < 0 ? -1 : (on ? 7200 * 1000 : 0);  // the kernel's default keepalive idle time
}
int buffer_arg(const record& r, int name) {
  int v = option_int(r, SOL_SOCKET, name, 0);
  return v > 0 ? v : 0;
}
int v6only_arg(const record& r) {
  int v = option_int(r, IPPROTO_IPV6, IPV6_V6ONLY, -1);
  return v < 0 ? -1 : (v ? 1 : 0);
}
bool lingers_zero(const record& r) {
  auto it = r.options.find({SOL_SOCKET, SO_LINGER});
  if (it == r.options.end() || it->second.size() < sizeof(::linger)) return false;
  ::linger l;
  std::memcpy(&l, it->second.data(), sizeof l);
  return l.l_onoff && l.l_linger == 0;
}

// sockaddr -> (address text, port); 240.0.0.0/8 turns back into a host name.
bool to_text(const sockaddr* addr, std::size_t len, std::string& host, int& port) {
  char buf[INET6_ADDRSTRLEN] = {};
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

// (address text, port) -> sockaddr of the socket's family when it parses.
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

const iovec* first_buffer(const iovec* iov, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (iov[i].iov_len) return &iov[i];
  return n ? &iov[0] : nullptr;
}

int clamp_len(std::size_t n) {
  return n > INT_MAX ? INT_MAX : static_cast<int>(n);
}

// Collects a finished slot's result; returns false while still in flight. A byte count the
// buffer cannot hold (or a negative one) is never passed on: it would make Asio read or
// skip memory outside the buffer. The bridge never sends one; if it did, the operation fails
// with `fault` rather than trusting it.
bool collect(slot& s, error_code& ec, std::size_t& bytes) {
  if (!s.done) return false;
  const bool bad_count = !s.err && (s.value < 0 || (s.len >= 0 && s.value > s.len));
  bytes = s.err || bad_count ? 0 : static_cast<std::size_t>(s.value);
  ec = bad_count ? error_code(e::fault) : to_error_code(s.err);
  forget_slot(s);
  return true;
}

// An IPv6 address for an IPv4 socket: Linux refuses it with EAFNOSUPPORT (connect, bind,
// sendto) instead of reaching the address. (An IPv4 address on an IPv6 socket is used
// v4-mapped.)
bool wrong_family(const record& r, const sockaddr* addr) {
  return r.family == AF_INET && addr && addr->sa_family == AF_INET6;
}

bool is_wildcard(const std::string& address) {
  return address == "0.0.0.0" || address == "::";
}

// Another listener of this program on (address, port), which bind() reports natively as
// address_in_use. Direct Sockets binds and listens in one step, so a listener of another
// program is only found by listen(), when the TCPServerSocket opens.
bool listener_here(const record& self, const std::string& address, int port) {
  if (port == 0) return false;
  for (const auto& entry : records) {
    const record& o = *entry.second;
    if (&o == &self || o.type != SOCK_STREAM || !o.listening || o.open_result > 0) continue;
    std::string other = o.have_local ? o.local_address : std::string();
    int other_port = o.local_port;
    char text[64] = {};
    int p = 0;
    if (o.handle && ads_endpoint(o.handle, 0, text, &p) == 0) {
      other = text;
      other_port = p;
    }
    if (other_port != port) continue;
    if (other.empty() || other == address || is_wildcard(other) || is_wildcard(address))
      return true;
  }
  return false;
}

// A bound-mode UDPSocket that the program connected: the bridge drops datagrams from others.
void filter_udp_peer(record& r) {
  if (r.handle && r.have_local && r.have_remote)
    ads_udp_connect(r.handle, r.remote_address.c_str(), r.remote_port);  // names: unfiltered
}

// UDP sockets open lazily: connected mode if only a remote is known, bound
// mode otherwise (an unbound send_to binds to an OS-chosen port, as POSIX does).
bool ensure_udp_open(int fd, record& r, error_code& ec) {
  if (r.handle) {
    if (r.slots[open_slot].op && !r.slots[open_slot].done) return false;
    if (r.open_result > 0) {
      ec = to_error_code(r.open_result);
      return true;
    }
    return true;
  }
  const bool connected = r.have_remote && !r.have_local;
  const char* any = r.family == AF_INET6 ? "::" : "0.0.0.0";
  int op = new_op(fd, open_slot);
  int h = ads_udp_open(op, connected ? r.remote_address.c_str() : nullptr,
                       connected ? r.remote_port : 0,
                       connected ? nullptr : (r.have_local ? r.local_address.c_str() : any),
                       connected ? 0 : r.local_port, buffer_arg(r, SO_SNDBUF),
                       buffer_arg(r, SO_RCVBUF), v6only_arg(r));
  if (h < 0) {
    ops.erase(op);
    r.open_result = failure_code(h);
    ec = to_error_code(r.open_result);
    return true;
  }
  r.handle = h;
  r.slots[open_slot] = slot{op};
  filter_udp_peer(r);
  return false;
}

// The result of an ads_try_* call (bytes, or -code): always finished; WOULD_BLOCK becomes
// error::would_block, which the synchronous caller returns. More bytes than the buffer holds
// is a bridge fault, never passed on (see collect()).
bool try_result(int r, int len, error_code& ec, std::size_t& bytes) {
  if (r > len) {
    bytes = 0;
    ec = e::fault;
    return true;
  }
  bytes = r > 0 ? static_cast<std::size_t>(r) : 0;
  ec = r >= 0 ? error_code() : to_error_code(failure_code(r));
  return true;
}

// The sender of the datagram just received into the record's address buffer.
void sender_of(const record& r, sockaddr* addr, std::size_t* addrlen) {
  if (r.from_address[0])
    from_text(r.from_address, r.from_port, r.family, addr, addrlen);
  else
    from_text(r.remote_address.c_str(), r.remote_port, r.family, addr, addrlen);
}

// Blocking mode only: waits for the slot to finish.
void wait_slot(slot& s, error_code& ec) {
  while (s.op && !s.done) {
    if (!can_block()) {
      ec = e::would_block;
      return;
    }
    ads_wait(-1);
    ads_take_completions();
  }
  ec.clear();
}

}  // namespace

extern "C" EMSCRIPTEN_KEEPALIVE void ads_on_complete(int op, int err, int value) {
  auto it = ops.find(op);
  if (it == ops.end()) return;  // cancelled or closed meanwhile: nothing to touch
  op_ref ref = it->second;
  record* r = find(ref.fd);
  if (!r || r->slots[ref.index].op != op) {
    ops.erase(it);
    return;
  }
  slot& s = r->slots[ref.index];
  if (err == operation_aborted && ref.index != open_slot) {
    // Aborted by an ads_cancel() aimed at the other direction: nothing was
    // transferred, so the reactor simply retries this operation.
    forget_slot(s);
    pending_events.push_back({ref.fd, ref.index});
    return;
  }
  s.done = true;
  s.err = err;
  s.value = value;
  if (ref.index == open_slot) {
    r->open_result = err;
    pending_events.push_back({ref.fd, read_direction});
    pending_events.push_back({ref.fd, write_direction});
    pending_events.push_back({ref.fd, except_direction});
  } else {
    pending_events.push_back({ref.fd, ref.index});
  }
}

int socket(int family, int type, int, error_code& ec) {
  if (type != SOCK_STREAM && type != SOCK_DGRAM) {
    ec = e::socket_type_not_supported;
    return -1;
  }
  auto r = std::make_unique<record>();
  r->family = family;
  r->type = type;
  int fd = next_fd++;
  records[fd] = std::move(r);
  ec.clear();
  return fd;
}

void close(int fd, error_code& ec) {
  ec.clear();
  record* r = find(fd);
  if (!r) {
    ec = e::bad_descriptor;
    return;
  }
  for (auto& s : r->slots)
    forget_slot(s);
  if (r->handle) {
    // Both drop the buffers of pending ops now. ads_close flushes what was written and closes
    // gracefully in the background; SO_LINGER with a zero timeout asks for the abortive close.
    if (lingers_zero(*r))
      ads_abort(r->handle);
    else
      ads_close(r->handle);
  }
  records.erase(fd);
}

void cancel(int fd, int dir) {
  record* r = find(fd);
  if (!r || !r->handle) return;
  bool in_flight = false;
  for (int i = read_slot; i <= except_slot; ++i) {
    if (dir >= 0 && i != dir) continue;
    in_flight = in_flight || r->slots[i].op != 0;
    forget_slot(r->slots[i]);
  }
  // ads_cancel aborts every JS op of the socket (and an open in progress): for one direction
  // only when it has one in flight. The other directions' ops complete as aborted and are
  // restarted by ads_on_complete.
  if (dir < 0 || in_flight) ads_cancel(r->handle);
}

void bind(int fd, const sockaddr* addr, std::size_t len, error_code& ec) {
  record* r = find(fd);
  if (!r) {
    ec = e::bad_descriptor;
    return;
  }
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
  if (r->type == SOCK_STREAM && listener_here(*r, r->local_address, r->local_port)) {
    ec = e::address_in_use;
    return;
  }
  r->have_local = true;
  ec.clear();
  if (r->type == SOCK_DGRAM) {
    // Bound UDP opens now so local_endpoint() can report the port.
    if (!ensure_udp_open(fd, *r, ec)) wait_slot(r->slots[open_slot], ec);
    if (!ec && r->open_result > 0) ec = to_error_code(r->open_result);
    if (ec == e::would_block) ec.clear();  // callback mode: the port is known once opened
  }
}

void listen(int fd, int backlog, error_code& ec) {
  record* r = find(fd);
  if (!r) {
    ec = e::bad_descriptor;
    return;
  }
  if (r->type != SOCK_STREAM) {
    ec = e::operation_not_supported;
    return;
  }
  if (r->listening) {
    ec.clear();
    return;
  }
  if (r->handle) {
    // Connected or connecting (a descriptor assigned to an acceptor): EINVAL, as natively.
    // Replacing the handle would orphan the connection and its pending operations, whose
    // buffers the bridge could then write into after the program freed them.
    ec = e::invalid_argument;
    return;
  }
  const char* any = r->family == AF_INET6 ? "::" : "0.0.0.0";
  // SOMAXCONN (Asio's max_listen_connections) means "as many as the system allows": Emscripten's
  // headers say 128, where Linux allows net.core.somaxconn (4096), so it becomes no backlog
  // option (Chromium's default, the system's). A queue of 128 overflows under a burst of
  // connections, and every dropped SYN costs the client a one-second retransmit.
  const int asked = backlog > 0 && backlog < SOMAXCONN ? backlog : 0;
  int op = new_op(fd, open_slot);
  int h = ads_tcp_listen(op, r->have_local ? r->local_address.c_str() : any, r->local_port,
                         asked, v6only_arg(*r));
  if (h < 0) {
    ops.erase(op);
    ec = to_error_code(failure_code(h));
    return;
  }
  r->handle = h;
  r->listening = true;
  r->slots[open_slot] = slot{op};
  wait_slot(r->slots[open_slot], ec);
  if (ec == e::would_block) {
    ec.clear();  // callback mode: accept waits for the listener to open
    return;
  }
  if (r->open_result > 0) ec = to_error_code(r->open_result);
}

bool start_connect(int fd, const sockaddr* addr, std::size_t len, error_code& ec) {
  record* r = find(fd);
  if (!r) {
    ec = e::bad_descriptor;
    return true;
  }
  std::string host;
  int port = 0;
  if (wrong_family(*r, addr) || !to_text(addr, len, host, port)) {
    ec = e::address_family_not_supported;
    return true;
  }
  if (r->type == SOCK_DGRAM) {
    // UDP connect only fixes the peer; the socket opens on first use (connected mode), or,
    // already bound, stays a bound-mode socket that only accepts datagrams from the peer.
    r->have_remote = true;
    r->remote_address = host;
    r->remote_port = port;
    filter_udp_peer(*r);
    ec.clear();
    return true;
  }
  if (r->handle) {
    ec = r->listening ? e::invalid_argument : e::already_connected;
    return true;
  }
  int op = new_op(fd, open_slot);
  int h = ads_tcp_connect(op, host.c_str(), port, no_delay_arg(*r), keep_alive_arg(*r),
                          buffer_arg(*r, SO_SNDBUF), buffer_arg(*r, SO_RCVBUF), 0);
  if (h < 0) {
    ops.erase(op);
    ec = to_error_code(failure_code(h));
    return true;
  }
  r->handle = h;
  r->have_remote = true;
  r->remote_address = host;
  r->remote_port = port;
  r->slots[open_slot] = slot{op};
  return false;
}

void connect_result(int fd, error_code& ec) {
  record* r = find(fd);
  if (!r) {
    ec = e::bad_descriptor;
    return;
  }
  slot& s = r->slots[open_slot];
  if (s.op && !s.done) {
    ec = e::in_progress;
    return;
  }
  ec = r->open_result > 0 ? to_error_code(r->open_result) : error_code();
  if (ec && r->handle) {  // a failed TCPSocket cannot be reused: start afresh
    ads_close(r->handle);
    r->handle = 0;
    r->have_remote = false;
  }
}

void shutdown(int fd, int what, error_code& ec) {
  record* r = find(fd);
  if (!r) {
    ec = e::bad_descriptor;
    return;
  }
  if (!r->handle || r->listening || r->open_result != 0) {
    ec = e::not_connected;
    return;
  }
  if (what == SHUT_WR || what == SHUT_RDWR) ads_shutdown_send(r->handle);
  ec.clear();
}

void setsockopt(int fd, int level, int name, const void* data, std::size_t size, error_code& ec) {
  record* r = find(fd);
  if (!r) {
    ec = e::bad_descriptor;
    return;
  }
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
  record* r = find(fd);
  if (!r) {
    ec = e::bad_descriptor;
    return;
  }
  auto it = r->options.find({level, name});
  std::memset(data, 0, *size);
  if (it != r->options.end()) {
    std::memcpy(data, it->second.data(), std::min(*size, it->second.size()));
    *size = std::min(*size, it->second.size());
  }
  ec.clear();
}

void getsockname(int fd, sockaddr* addr, std::size_t* len, error_code& ec) {
  record* r = find(fd);
  if (!r) {
    ec = e::bad_descriptor;
    return;
  }
  char text[64] = {};
  int port = 0;
  // A TCPSocket learns its local address when it opens; natively the kernel has chosen it
  // by the time connect() returns. Blocking mode waits for the open; callback mode reports
  // the wildcard until then (docs/browser.md).
  slot& open = r->slots[open_slot];
  if (r->type == SOCK_STREAM && !r->listening && open.op && !open.done && can_block()) {
    error_code ignored;
    wait_slot(open, ignored);
  }
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
  record* r = find(fd);
  if (!r) {
    ec = e::bad_descriptor;
    return;
  }
  char text[64] = {};
  int port = 0;
  const bool connected =
      r->accepted || (r->open_result == 0 && r->type == SOCK_STREAM && !r->listening);
  if (connected && ads_endpoint(r->handle, 1, text, &port) == 0) {
    from_text(text, port, r->family, addr, len);
  } else if ((connected || r->type == SOCK_DGRAM) && r->have_remote) {
    from_text(r->remote_address.c_str(), r->remote_port, r->family, addr, len);
  } else {
    ec = e::not_connected;
    return;
  }
  ec.clear();
}

std::size_t available(int fd, error_code& ec) {
  record* r = find(fd);
  if (!r) {
    ec = e::bad_descriptor;
    return 0;
  }
  ec.clear();
  int n = r->handle ? ads_available(r->handle) : 0;
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

bool recv(int fd, iovec* iov, std::size_t n, bool is_stream, bool all_empty, error_code& ec,
          std::size_t& bytes) {
  record* r = find(fd);
  if (!r) {
    ec = e::bad_descriptor;
    return true;
  }
  if (!is_stream) {
    std::size_t addrlen = 0;
    return recvfrom(fd, iov, n, nullptr, &addrlen, ec, bytes);
  }
  if (all_empty) {
    ec.clear();
    bytes = 0;
    return true;
  }
  slot& open = r->slots[open_slot];
  if (open.op && !open.done) return false;  // still connecting
  if (!r->handle || r->listening || (r->open_result != 0 && !r->accepted)) {
    ec = e::not_connected;
    bytes = 0;
    return true;
  }
  slot& s = r->slots[read_slot];
  if (s.op) return collect(s, ec, bytes);
  const iovec* b = first_buffer(iov, n);
  const int len = clamp_len(b->iov_len);
  if (try_only) return try_result(ads_try_read(r->handle, b->iov_base, len), len, ec, bytes);
  s = slot{new_op(fd, read_slot)};
  s.len = len;
  ads_read(r->handle, s.op, b->iov_base, len);
  return false;
}

bool send(int fd, const iovec* iov, std::size_t n, bool all_empty, error_code& ec,
          std::size_t& bytes) {
  record* r = find(fd);
  if (!r) {
    ec = e::bad_descriptor;
    return true;
  }
  if (r->type == SOCK_DGRAM) {
    if (!r->have_remote) {
      ec = e::not_connected;
      return true;
    }
    return sendto(fd, iov, n, nullptr, 0, ec, bytes);
  }
  if (all_empty) {
    ec.clear();
    bytes = 0;
    return true;
  }
  slot& open = r->slots[open_slot];
  if (open.op && !open.done) return false;
  if (!r->handle || r->listening || (r->open_result != 0 && !r->accepted)) {
    ec = e::broken_pipe;  // what a send on an unconnected TCP socket gives natively
    bytes = 0;
    return true;
  }
  slot& s = r->slots[write_slot];
  if (s.op) return collect(s, ec, bytes);
  const iovec* b = first_buffer(iov, n);
  const int len = clamp_len(b->iov_len);
  if (try_only) return try_result(ads_try_write(r->handle, b->iov_base, len), len, ec, bytes);
  s = slot{new_op(fd, write_slot)};
  s.len = len;
  ads_write(r->handle, s.op, b->iov_base, len);
  return false;
}

bool recvfrom(int fd, iovec* iov, std::size_t n, sockaddr* addr, std::size_t* addrlen,
              error_code& ec, std::size_t& bytes) {
  record* r = find(fd);
  if (!r) {
    ec = e::bad_descriptor;
    return true;
  }
  if (r->type != SOCK_DGRAM) return recv(fd, iov, n, true, false, ec, bytes);
  if (!ensure_udp_open(fd, *r, ec)) return false;
  if (ec) return true;
  slot& s = r->slots[read_slot];
  if (s.op) {
    if (!collect(s, ec, bytes)) return false;
    if (addr && !ec) sender_of(*r, addr, addrlen);
    return true;
  }
  const iovec* b = first_buffer(iov, n);
  const int len = b ? clamp_len(b->iov_len) : 0;
  r->from_address[0] = 0;
  r->from_port = 0;
  if (try_only) {
    try_result(ads_try_udp_receive(r->handle, b ? b->iov_base : nullptr, len, r->from_address,
                                   &r->from_port),
               len, ec, bytes);
    if (addr && !ec) sender_of(*r, addr, addrlen);
    return true;
  }
  s = slot{new_op(fd, read_slot)};
  s.len = len;
  ads_udp_receive(r->handle, s.op, b ? b->iov_base : nullptr, len, r->from_address, &r->from_port);
  return false;
}

bool sendto(int fd, const iovec* iov, std::size_t n, const sockaddr* addr, std::size_t addrlen,
            error_code& ec, std::size_t& bytes) {
  record* r = find(fd);
  if (!r) {
    ec = e::bad_descriptor;
    return true;
  }
  if (r->type != SOCK_DGRAM) {
    ec = e::already_connected;
    return true;
  }
  if (wrong_family(*r, addr)) {
    ec = e::address_family_not_supported;
    return true;
  }
  if (!ensure_udp_open(fd, *r, ec)) return false;
  if (ec) return true;
  slot& s = r->slots[write_slot];
  if (s.op) return collect(s, ec, bytes);
  std::string host;
  int port = 0;
  if (addr) {
    if (!to_text(addr, addrlen, host, port)) {
      ec = e::address_family_not_supported;
      return true;
    }
  } else {
    host = r->remote_address;
    port = r->remote_port;
  }
  // A connected-mode UDPSocket takes no address; a bound one always needs it.
  const bool connected_mode = r->have_remote && !r->have_local && r->handle;
  const iovec* b = first_buffer(iov, n);
  const int len = b ? clamp_len(b->iov_len) : 0;
  if (try_only)
    return try_result(
        ads_try_udp_send(r->handle, b ? b->iov_base : nullptr, len,
                         connected_mode ? nullptr : host.c_str(), connected_mode ? 0 : port),
        len, ec, bytes);
  s = slot{new_op(fd, write_slot)};
  s.len = len;
  ads_udp_send(r->handle, s.op, b ? b->iov_base : nullptr, len,
               connected_mode ? nullptr : host.c_str(), connected_mode ? 0 : port);
  return false;
}

bool accept(int fd, sockaddr* addr, std::size_t* addrlen, error_code& ec, int& new_fd) {
  record* r = find(fd);
  if (!r) {
    ec = e::bad_descriptor;
    return true;
  }
  if (!r->listening) {
    ec = e::invalid_argument;  // accept() without listen(), as natively
    return true;
  }
  slot& open = r->slots[open_slot];
  if (open.op && !open.done) return false;  // callback mode: the listener is still opening
  if (r->open_result > 0) {
    ec = to_error_code(r->open_result);
    return true;
  }
  slot& s = r->slots[read_slot];
  if (!s.op) {
    s = slot{new_op(fd, read_slot)};
    ads_accept(r->handle, s.op);
    return false;
  }
  std::size_t handle = 0;
  if (!collect(s, ec, handle)) return false;
  if (ec) return true;
  if (handle == 0 || handle > INT_MAX) {  // not a handle the bridge could have made
    ec = e::fault;
    return true;
  }
  auto peer = std::make_unique<record>();
  peer->family = r->family;
  peer->type = SOCK_STREAM;
  peer->handle = static_cast<int>(handle);
  peer->accepted = true;
  peer->open_result = 0;
  new_fd = next_fd++;
  if (addr && addrlen) {
    char text[64] = {};
    int port = 0;
    if (ads_endpoint(peer->handle, 1, text, &port) == 0)
      from_text(text, port, r->family, addr, addrlen);
  }
  records[new_fd] = std::move(peer);
  return true;
}

void take_events(std::vector<event>& events) {
  ads_take_completions();
  events.insert(events.end(), pending_events.begin(), pending_events.end());
  pending_events.clear();
}

bool can_block() {
  static const bool blocking = ads_can_block() != 0;
  return blocking;
}

void wait(int timeout_ms) {
  if (pending_events.empty()) ads_wait(timeout_ms);
}

void yield() {
  ads_wait(ads_wait_yield);
}

void wait_ready(int fd, int dir, error_code& ec) {
  record* r = find(fd);
  if (!r) {
    ec = e::bad_descriptor;
    return;
  }
  slot& io = r->slots[dir];
  slot& open = r->slots[open_slot];
  wait_slot(io.op ? io : open, ec);
}

bool poll(int fd, int dir, error_code& ec) {
  record* r = find(fd);
  if (!r) {
    ec = e::bad_descriptor;
    return true;
  }
  ec.clear();
  slot& open = r->slots[open_slot];
  if (open.op && !open.done) return false;  // opening: its completion is an event
  if (!r->handle) {
    // Nothing opened yet. Natively an unconnected TCP socket polls as hung up (ready in every
    // direction); an unbound UDP socket is writable and never readable.
    return r->type == SOCK_STREAM || dir == write_direction;
  }
  if (r->open_result > 0 && !r->accepted) return true;  // failed: ready, the op reports it
  slot& s = r->slots[dir];
  if (s.op) {
    std::size_t ignored = 0;
    return collect(s, ec, ignored);
  }
  s = slot{new_op(fd, dir)};
  ads_poll(r->handle, s.op, dir);
  return false;
}

void wait_poll(int fd, int dir, error_code& ec) {
  for (;;) {
    if (poll(fd, dir, ec)) return;
    record* r = find(fd);
    if (!r) {
      ec = e::bad_descriptor;
      return;
    }
    slot& s = r->slots[dir];
    slot& open = r->slots[open_slot];
    if (s.op || open.op) {
      wait_slot(s.op ? s : open, ec);
    } else if (!can_block()) {
      ec = e::would_block;
    } else {  // never ready (an unbound UDP socket): sleep as natively, woken by any event
      ads_wait(-1);
      ads_take_completions();
    }
    if (ec) {  // callback mode: nothing can wait; let go of the JS operation
      cancel(fd, dir);
      return;
    }
  }
}

try_scope::try_scope(bool on) : previous_(try_only) {
  try_only = on;
}
try_scope::~try_scope() {
  try_only = previous_;
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
