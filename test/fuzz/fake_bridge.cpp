// The imports of asio_directsockets/detail/backend/direct_sockets/bridge.hpp, played by C++.
#include "fake_bridge.hpp"

#include <asio_directsockets/detail/backend/direct_sockets/bridge.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string>

extern "C" void ads_on_complete(int op, int err, int value);  // operations.cpp

namespace fake_bridge {

namespace ds = asio_directsockets::detail::ds;

namespace {

struct socket_state {
  bool tcp = true;
  bool listener = false;
};

std::vector<pending_op> ops;
std::vector<int> queue;  // op, err, value, ...
std::map<int, socket_state> socks;
int next_handle = 1;
std::optional<int> next_sync;
bool delivering = false;
// ASIO_DS_FAKE_BRIDGE_TRACE=1 prints every import and completion (to replay a crash).
const bool trace = std::getenv("ASIO_DS_FAKE_BRIDGE_TRACE") != nullptr;
#define FAKE_TRACE(...)                           \
  do {                                            \
    if (trace) std::fprintf(stderr, __VA_ARGS__); \
  } while (0)

int sync_result(int normal) {
  if (!next_sync) return normal;
  const int v = *next_sync;
  next_sync.reset();
  return v;
}

[[noreturn]] void contract_violation(const char* what, int op) {
  std::fprintf(stderr, "fake bridge: C++ side broke the contract: %s (op %d)\n", what, op);
  std::abort();
}

// ASan checks that the whole buffer is live memory of the right size.
void touch(const void* buf, int len) {
  if (!buf || len <= 0) return;
  const auto* p = static_cast<const volatile unsigned char*>(buf);
  (void)p[0];
  (void)p[len - 1];
}

socket_state* find(int handle) {
  auto it = socks.find(handle);
  return it == socks.end() ? nullptr : &it->second;
}

void queue_completion(int op, int err, int value) {
  FAKE_TRACE("  queued (%d, %d, %d)\n", op, err, value);
  queue.insert(queue.end(), {op, err, value});
}

// Registers an op as the bridge's newOp() does; a bad or duplicate id is ignored there.
bool add(const pending_op& p) {
  if (p.op <= 0) return false;
  for (const auto& o : ops)
    if (o.op == p.op) contract_violation("op id reused while pending", p.op);
  touch(p.buf, p.len);
  FAKE_TRACE("  pending op %d handle %d kind %d len %d\n", p.op, p.handle, int(p.k), p.len);
  ops.push_back(p);
  return true;
}

// An async import on an unknown handle completes with BAD_DESCRIPTOR, later.
void start(int handle, int op, kind k, void* buf, int len, char* from = nullptr,
           int* from_port = nullptr) {
  FAKE_TRACE("import kind %d handle %d op %d len %d\n", int(k), handle, op, len);
  if (op <= 0) return;
  for (const auto& o : ops)
    if (o.op == op) contract_violation("op id reused while pending", op);
  if (!find(handle) || len < 0) {
    queue_completion(op, find(handle) ? ds::invalid_argument : ds::bad_descriptor, 0);
    return;
  }
  add({op, handle, k, static_cast<unsigned char*>(buf), len, from, from_port});
}

void abort_ops_of(int handle) {
  for (auto it = ops.begin(); it != ops.end();) {
    if (it->handle == handle) {
      queue_completion(it->op, ds::operation_aborted, 0);
      it = ops.erase(it);  // pointers forgotten before returning, as the bridge does
    } else {
      ++it;
    }
  }
}

// The transfer imports: pending (the op registered, completed later by the fuzzer) unless the
// fuzzer chose a result for this call (set_next_sync_result: any value, bogus ones too), which is
// returned as done now. Op 0 is a non-blocking attempt: its result (`attempt` by default) now.
// A result with bytes writes them into the buffer first (`fill`), as the bridge does.
int transfer(int handle, int op, kind k, void* buf, int len, int attempt, char fill,
             char* from = nullptr, int* from_port = nullptr) {
  touch(buf, len);
  if (!find(handle)) return -ds::bad_descriptor;
  if (len < 0) return -ds::invalid_argument;
  if (op != 0 && !next_sync) {
    start(handle, op, k, buf, len, from, from_port);
    return -ds::pending;
  }
  const int r = sync_result(op == 0 ? attempt : len);
  if (r > 0 && fill && buf) std::memset(buf, fill, static_cast<std::size_t>(std::min(r, len)));
  return r;
}

int new_handle(bool tcp, bool listener) {
  const int h = next_handle++;
  FAKE_TRACE("new handle %d%s\n", h, listener ? " (listener)" : "");
  socks[h] = socket_state{tcp, listener};
  return h;
}

}  // namespace

void reset() {
  ops.clear();
  queue.clear();
  socks.clear();
  next_handle = 1;
  next_sync.reset();
  delivering = false;
}

const std::vector<pending_op>& pending() {
  return ops;
}

void complete_pending(std::size_t index, int err, int value) {
  if (ops.empty()) return;
  index %= ops.size();
  pending_op p = ops[index];
  FAKE_TRACE("complete op %d (handle %d) with (%d, %d)\n", p.op, p.handle, err, value);
  ops.erase(ops.begin() + static_cast<std::ptrdiff_t>(index));
  if (err == 0 && value > 0 && p.buf && (p.k == kind::read || p.k == kind::udp_receive)) {
    const int n = std::min(value, p.len);
    for (int i = 0; i < n; ++i)
      // Unsigned: the fill pattern wraps by design; a signed sum could overflow.
      p.buf[i] =
          static_cast<unsigned char>(static_cast<unsigned>(i) * 31u + static_cast<unsigned>(value));
  }
  if (err == 0 && p.k == kind::udp_receive) {
    if (p.from_address) std::strcpy(p.from_address, value & 1 ? "::1" : "127.0.0.1");
    if (p.from_port) *p.from_port = value & 0xffff;
  }
  if (err == 0 && p.k == kind::accept && value > 0 && value < 1000000) {
    // A well-behaved bridge hands over a fresh handle; the fuzzer's value picks whether it
    // does (value even) or sends its raw value (odd: possibly a bogus or existing handle).
    if (value % 2 == 0) value = new_handle(true, false);
  }
  queue_completion(p.op, err, value);
}

void queue_raw(int op, int err, int value) {
  queue_completion(op, err, value);
}

void set_next_sync_result(int value) {
  next_sync = value;
}

}  // namespace fake_bridge

using namespace fake_bridge;

extern "C" {

int ads_tcp_connect(int op, const char* host, int port, int, int, int, int, int) {
  if (!host || op <= 0) return -ds::invalid_argument;
  (void)std::strlen(host);
  if (port < 0 || port > 65535) return -ds::invalid_argument;
  const int r = sync_result(0);
  if (r < 0) return r;
  const int h = new_handle(true, false);
  add({op, h, kind::open});
  return h;
}

int ads_tcp_listen(int op, const char* local_address, int local_port, int, int) {
  if (!local_address || op <= 0) return -ds::invalid_argument;
  (void)std::strlen(local_address);
  if (local_port < 0 || local_port > 65535) return -ds::invalid_argument;
  const int r = sync_result(0);
  if (r < 0) return r;
  const int h = new_handle(true, true);
  add({op, h, kind::open});
  return h;
}

void ads_accept(int handle, int op) {
  start(handle, op, kind::accept, nullptr, 0);
}

int ads_read(int handle, int op, void* buf, int len) {
  return transfer(handle, op, kind::read, buf, len, -ds::would_block, 'r');
}

int ads_write(int handle, int op, const void* buf, int len) {
  return transfer(handle, op, kind::write, const_cast<void*>(buf), len, len, 0);
}

int ads_udp_open(int op, const char* remote_address, int, const char* local_address, int, int, int,
                 int) {
  if (op <= 0) return -ds::invalid_argument;
  if (remote_address) (void)std::strlen(remote_address);
  if (local_address) (void)std::strlen(local_address);
  const int r = sync_result(0);
  if (r < 0) return r;
  const int h = new_handle(false, false);
  add({op, h, kind::open});
  return h;
}

int ads_udp_send(int handle, int op, const void* buf, int len, const char* address, int) {
  if (address) (void)std::strlen(address);
  return transfer(handle, op, kind::udp_send, const_cast<void*>(buf), len, len, 0);
}

int ads_udp_receive(int handle, int op, void* buf, int len, char* from_address, int* from_port) {
  touch(from_address, 64);
  touch(from_port, static_cast<int>(sizeof(int)));
  const int r = transfer(handle, op, kind::udp_receive, buf, len, -ds::would_block, 'u',
                         from_address, from_port);
  if (r >= 0) {
    if (from_address) std::strcpy(from_address, "127.0.0.1");
    if (from_port) *from_port = 4242;
  }
  return r;
}

int ads_endpoint(int handle, int which, char* address_out, int* port_out) {
  if (!find(handle)) return -ds::bad_descriptor;
  const int r = sync_result(0);
  if (r < 0) return r;
  if (address_out) std::strcpy(address_out, which ? "127.0.0.1" : "::ffff:127.0.0.1");
  if (port_out) *port_out = 1000 + handle;
  return 0;
}

int ads_available(int handle) {
  if (!find(handle)) return -ds::bad_descriptor;
  return sync_result(0);
}

void ads_cancel(int handle) {
  FAKE_TRACE("ads_cancel %d\n", handle);
  abort_ops_of(handle);
}

void ads_shutdown_send(int) {}

void ads_close(int handle) {
  FAKE_TRACE("ads_close %d\n", handle);
  abort_ops_of(handle);
  socks.erase(handle);
}

void ads_abort(int handle) {
  ads_close(handle);
}

void ads_poll(int handle, int op, int dir) {
  if (dir < 0 || dir > 2) {
    queue_completion(op, ds::invalid_argument, 0);
    return;
  }
  start(handle, op, kind::poll, nullptr, 0);
}

int ads_udp_connect(int handle, const char* address, int) {
  if (!find(handle)) return -ds::bad_descriptor;
  if (address) (void)std::strlen(address);
  return sync_result(0);
}

int ads_pipe_eof(int) {
  return 0;
}

int ads_multicast(int handle, int, const char* group) {
  if (group) (void)std::strlen(group);
  if (!find(handle)) return -ds::bad_descriptor;
  return sync_result(0);
}

// Delivers the queued records in order, as the bridge's takeCompletions(); records queued by
// the callbacks themselves wait for the next call.
void ads_take_completions(void) {
  if (delivering || queue.empty()) return;
  std::vector<int> q;
  q.swap(queue);
  delivering = true;
  for (std::size_t i = 0; i + 2 < q.size(); i += 3) {
    FAKE_TRACE("ads_on_complete(%d, %d, %d)\n", q[i], q[i + 1], q[i + 2]);
    ads_on_complete(q[i], q[i + 1], q[i + 2]);
  }
  delivering = false;
}

void ads_schedule_drain(int) {}

int ads_wait(int) {
  return 0;
}

int ads_can_block(void) {
  return 0;  // callback mode: nothing in the backend may wait
}

void ads_watch_wake(int*, int) {}  // one thread here: nothing to watch
void ads_realm_end() {}

}  // extern "C"
