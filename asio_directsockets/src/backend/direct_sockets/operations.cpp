// The Direct Sockets backend's operations: each direction of a socket runs
// its queue one operation at a time; the front operation starts with one
// bridge call, and the bridge's completion (ads_on_complete) names it by id
// (op_table.hpp), finishes it and starts the next. A result the backend knows
// without the bridge (not connected, an empty stream buffer...) is delivered
// at once. docs/architecture.md traces one async_read_some through here.
#include "record.hpp"

#include <asio_directsockets/detail/backend/direct_sockets/bridge.hpp>
#include <asio_directsockets/detail/backend/direct_sockets/browser_loop.hpp>
#include <asio_directsockets/detail/backend/direct_sockets/op_table.hpp>

#include <boost/asio/error.hpp>

#include <emscripten/emscripten.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <climits>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace asio_directsockets::detail::ds {

namespace {

namespace e = boost::asio::error;

struct op_entry {
  record* r;
  int slot;  // a direction, or open_slot
};
// Per thread in -pthread builds: an id is made by the thread that calls the bridge and comes
// back from that thread's JS only.
#if defined(__EMSCRIPTEN_PTHREADS__)
thread_local
#endif
    op_table<op_entry>
        ops;

enum class outcome { started, finished, blocked };

void deliver(ds_op* op) {
  if (op->owner)
    deliver_to_owner(op);
  else
    op->finished = true;
}

outcome finish_now(ds_op& op, const error_code& ec, std::size_t bytes = 0) {
  op.ec_ = ec;
  op.bytes_ = bytes;
  return outcome::finished;
}

// Options that become TCPSocket constructor arguments.
int no_delay_arg(const record& r) {
  int v = option_int(r, IPPROTO_TCP, TCP_NODELAY, -1);
  return v < 0 ? -1 : (v ? 1 : 0);
}
int keep_alive_arg(const record& r) {
  int on = option_int(r, SOL_SOCKET, SO_KEEPALIVE, -1);
  return on < 0 ? -1 : (on ? 7200 * 1000 : 0);  // the kernel's default keepalive idle time
}

// The result of a transfer that the bridge finished. A byte count the buffer cannot hold (or a
// negative one) is never passed on: it would make Asio read or skip memory outside the buffer.
// The bridge never sends one; if it did, the operation fails with `fault`.
void finish_transfer(ds_op& op, int err, int value) {
  const bool bad_count = !err && (value < 0 || value > op.length);
  op.bytes_ = err || bad_count ? 0 : static_cast<std::size_t>(value);
  op.ec_ = bad_count ? error_code(e::fault) : to_error_code(err);
}

// The sender of a datagram just received into the op (the socket's peer in connected mode).
void note_sender(const record& r, ds_op& op) {
  std::size_t len = sizeof op.address;
  auto* addr = reinterpret_cast<sockaddr*>(&op.address);
  if (op.from_address[0])
    from_text(op.from_address, op.from_port, r.family, addr, &len);
  else
    from_text(r.remote_address.c_str(), r.remote_port, r.family, addr, &len);
  op.address_length = len;
}

void finish_accept(const record& listener, ds_op& op, int err, int value) {
  op.bytes_ = 0;
  if (err) {
    op.ec_ = to_error_code(err);
    return;
  }
  if (value <= 0) {  // not a handle the bridge could have made
    op.ec_ = e::fault;
    return;
  }
  op.ec_.clear();
  op.accepted = adopt_accepted(listener.family, value);
  if (!op.wants_address) return;
  char text[64] = {};
  int port = 0;
  if (ads_endpoint(value, 1, text, &port) == 0) {
    std::size_t len = sizeof op.address;
    from_text(text, port, listener.family, reinterpret_cast<sockaddr*>(&op.address), &len);
    op.address_length = len;
  }
}

void finish(const record& r, ds_op& op, int err, int value) {
  switch (op.kind) {
    case op_kind::accept:
      finish_accept(r, op, err, value);
      break;
    case op_kind::wait:
    case op_kind::connect:
      op.ec_ = to_error_code(err);
      op.bytes_ = 0;
      break;
    case op_kind::receive_from:
      finish_transfer(op, err, value);
      if (!op.ec_) note_sender(r, op);
      break;
    default:
      finish_transfer(op, err, value);
  }
}

outcome in_flight(record& r, ds_op& op, int id) {
  r.in_flight[op.direction] = id;
  r.restart_aborted[op.direction] = false;
  return outcome::started;
}

// What a transfer import returned: -pending (the op is in flight under id), or its result now
// (bytes, or -code; would_block only for an attempt). More bytes than the buffer holds is a
// bridge fault, never passed on (see finish_transfer).
outcome transfer_result(record& r, ds_op& op, int id, int res) {
  if (res == -pending && id) return in_flight(r, op, id);
  if (id) release_op_id(id);
  if (res == -pending) return finish_now(op, e::fault);
  if (res > op.length) return finish_now(op, e::fault);
  if (res < 0) return finish_now(op, to_error_code(failure_code(res)));
  return finish_now(op, error_code(), static_cast<std::size_t>(res));
}

// Datagram sockets open on first use; the operation waits for the open.
outcome datagram_ready(record& r, ds_op& op, bool& ready) {
  ready = false;
  if (r.state == phase::unopened)
    if (int failed = open_datagram(r)) return finish_now(op, to_error_code(failed));
  if (r.state == phase::opening) return outcome::blocked;
  if (r.state == phase::failed) return finish_now(op, to_error_code(r.open_result));
  ready = true;
  return outcome::started;
}

outcome begin_receive_from(record& r, ds_op& op, bool attempt_only) {
  bool ready;
  outcome o = datagram_ready(r, op, ready);
  if (!ready) return o;
  op.from_address[0] = 0;
  op.from_port = 0;
  const int id = attempt_only ? 0 : new_op_id(r, read_direction);
  o = transfer_result(
      r, op, id,
      ads_udp_receive(r.handle, id, op.buffer, op.length, op.from_address, &op.from_port));
  if (o == outcome::finished && !op.ec_ && op.kind == op_kind::receive_from) note_sender(r, op);
  return o;
}

outcome begin_send_to(record& r, ds_op& op, bool attempt_only) {
  if (op.kind == op_kind::send_to && wrong_family(r, reinterpret_cast<sockaddr*>(&op.address)))
    return finish_now(op, e::address_family_not_supported);
  std::string host;
  int port = 0;
  if (op.kind == op_kind::send_to) {
    if (!to_text(reinterpret_cast<sockaddr*>(&op.address), op.address_length, host, port))
      return finish_now(op, e::address_family_not_supported);
  } else {
    host = r.remote_address;
    port = r.remote_port;
  }
  bool ready;
  outcome o = datagram_ready(r, op, ready);
  if (!ready) return o;
  // A connected-mode UDPSocket takes no address; a bound one always needs it.
  const char* to = r.connected_mode ? nullptr : host.c_str();
  const int to_port = r.connected_mode ? 0 : port;
  const int id = attempt_only ? 0 : new_op_id(r, write_direction);
  return transfer_result(r, op, id, ads_udp_send(r.handle, id, op.buffer, op.length, to, to_port));
}

outcome begin_read(record& r, ds_op& op, bool attempt_only) {
  if (r.kind == socket_kind::datagram) return begin_receive_from(r, op, attempt_only);
  if (r.state == phase::opening && r.kind == socket_kind::stream) return outcome::blocked;
  if (!r.connected()) return finish_now(op, e::not_connected);
  const int id = attempt_only ? 0 : new_op_id(r, read_direction);
  return transfer_result(r, op, id, ads_read(r.handle, id, op.buffer, op.length));
}

outcome begin_write(record& r, ds_op& op, bool attempt_only) {
  if (r.kind == socket_kind::datagram) {
    if (!r.have_remote) return finish_now(op, e::not_connected);
    return begin_send_to(r, op, attempt_only);
  }
  if (r.state == phase::opening && r.kind == socket_kind::stream) return outcome::blocked;
  // What a send on an unconnected TCP socket gives natively.
  if (!r.connected()) return finish_now(op, e::broken_pipe);
  const int id = attempt_only ? 0 : new_op_id(r, write_direction);
  return transfer_result(r, op, id, ads_write(r.handle, id, op.buffer, op.length));
}

outcome begin_accept(record& r, ds_op& op) {
  if (r.kind != socket_kind::listener) return finish_now(op, e::invalid_argument);
  if (r.state == phase::opening) return outcome::blocked;  // callback mode: still opening
  if (r.state == phase::failed) return finish_now(op, to_error_code(r.open_result));
  const int id = new_op_id(r, read_direction);
  ads_accept(r.handle, id);
  return in_flight(r, op, id);
}

outcome begin_wait(record& r, ds_op& op) {
  if (r.state == phase::opening) return outcome::blocked;
  if (!r.handle) {
    // Nothing opened yet. Natively an unconnected TCP socket polls as hung up (ready in every
    // direction); an unbound UDP socket is writable and never readable (it waits for an open).
    if (r.kind != socket_kind::datagram || op.direction == write_direction)
      return finish_now(op, error_code());
    return outcome::blocked;
  }
  if (r.state == phase::failed) return finish_now(op, error_code());  // the next op reports it
  const int id = new_op_id(r, op.direction);
  ads_poll(r.handle, id, op.direction);
  return in_flight(r, op, id);
}

outcome begin_connect(record& r, ds_op& op) {
  const auto* peer = reinterpret_cast<const sockaddr*>(&op.address);
  std::string host;
  int port = 0;
  if (wrong_family(r, peer) || !to_text(peer, op.address_length, host, port))
    return finish_now(op, e::address_family_not_supported);
  if (r.kind == socket_kind::datagram) {
    // UDP connect only fixes the peer; the socket opens on first use (connected mode), or,
    // already open in bound mode, only accepts datagrams from the peer from now on.
    r.have_remote = true;
    r.remote_address = host;
    r.remote_port = port;
    filter_udp_peer(r);
    return finish_now(op, error_code());
  }
  if (r.kind == socket_kind::listener) return finish_now(op, e::invalid_argument);
  if (r.state != phase::unopened) return finish_now(op, e::already_connected);
  const int id = new_op_id(r, open_slot);
  claim_realm(r);
  const int h = ads_tcp_connect(id, host.c_str(), port, no_delay_arg(r), keep_alive_arg(r),
                                buffer_arg(r, SO_SNDBUF), buffer_arg(r, SO_RCVBUF), 0);
  if (h < 0) {
    release_op_id(id);
    return finish_now(op, to_error_code(failure_code(h)));
  }
  r.handle = h;
  r.have_remote = true;
  r.remote_address = host;
  r.remote_port = port;
  r.state = phase::opening;
  r.open_id = id;
  r.connecting = &op;
  return outcome::started;
}

outcome begin(record& r, ds_op& op, bool attempt_only) {
  switch (op.kind) {
    case op_kind::read:
      return begin_read(r, op, attempt_only);
    case op_kind::write:
      return begin_write(r, op, attempt_only);
    case op_kind::receive_from:
      if (r.kind != socket_kind::datagram) return begin_read(r, op, attempt_only);
      return begin_receive_from(r, op, attempt_only);
    case op_kind::send_to:
      if (r.kind != socket_kind::datagram) return finish_now(op, e::already_connected);
      return begin_send_to(r, op, attempt_only);
    case op_kind::accept:
      return begin_accept(r, op);
    case op_kind::wait:
      return begin_wait(r, op);
    case op_kind::connect:
      return begin_connect(r, op);
  }
  return finish_now(op, e::invalid_argument);
}

// Starts the front operations of one direction until one is in flight or must wait.
void pump_direction(record& r, int dir) {
  while (!r.in_flight[dir]) {
    auto* op = static_cast<ds_op*>(r.queue[dir].front());
    if (!op) return;
    if (begin(r, *op, false) != outcome::finished) return;
    r.queue[dir].pop();
    deliver(op);
  }
}

// Lets the bridge drop the in-flight operation of `dir`: ads_cancel aborts all of the
// socket's bridge operations, so the others are marked to start again when they come back.
void cancel_in_flight(record& r, int dir) {
  release_op_id(std::exchange(r.in_flight[dir], 0));
  for (int d = 0; d < directions; ++d)
    if (r.in_flight[d]) r.restart_aborted[d] = true;
  if (r.handle) ads_cancel(r.handle);
}

// A stream's connect stops: its TCPSocket is dropped, and the socket can connect again.
void stop_connecting(record& r) {
  if (r.open_id) release_op_id(std::exchange(r.open_id, 0));
  if (r.handle) ads_abort(std::exchange(r.handle, 0));
  r.state = phase::unopened;
  r.have_remote = false;
}

void abort_op(ds_op* op) {
  op->ec_ = e::operation_aborted;
  op->bytes_ = 0;
  deliver(op);
}

// A synchronous call that cannot wait lets go of its operation (which has not finished).
void abandon(record& r, ds_op& op) {
  if (op.kind == op_kind::connect) {
    if (r.connecting == &op) r.connecting = nullptr;  // the connect goes on without a waiter
    return;
  }
  const int dir = op.direction;
  if (r.queue[dir].front() == &op && r.in_flight[dir]) {
    r.queue[dir].pop();
    cancel_in_flight(r, dir);
    pump_direction(r, dir);
    return;
  }
  r.queue[dir].remove(&op);
}

void on_complete(int id, int err, int value) {
  op_entry* found = ops.find(id);
  if (!found) return;  // cancelled or closed meanwhile, or never ours: nothing to touch
  const op_entry entry = *found;
  ops.release(id);
  record& r = *entry.r;
  if (entry.slot == open_slot) {
    if (r.open_id == id) opened(r, err);
    return;
  }
  const int dir = entry.slot;
  if (r.in_flight[dir] != id) return;
  r.in_flight[dir] = 0;
  auto* op = static_cast<ds_op*>(r.queue[dir].front());
  if (op && err == operation_aborted && std::exchange(r.restart_aborted[dir], false)) {
    pump_direction(r, dir);  // aborted by an ads_cancel aimed at another operation
    return;
  }
  if (op) {
    finish(r, *op, err, value);
    r.queue[dir].pop();
    deliver(op);
  }
  pump_direction(r, dir);
}

#if defined(__EMSCRIPTEN_PTHREADS__)
// Operations whose start was forwarded and has not run yet. A close or a cancellation meanwhile
// must still abort them, as it aborts a started one.
struct forwarded_op {
  int fd;
  ds_op* op;
  bool aborted;
};
std::mutex forwarded_mutex;
std::vector<forwarded_op> forwarded;

void note_forwarded(int fd, ds_op* op) {
  std::lock_guard<std::mutex> lock(forwarded_mutex);
  forwarded.push_back({fd, op, false});
}

// Marks the forwarded ops of fd (those installed with cancellation key `key`, or all) aborted.
void abort_forwarded(int fd, void* key) {
  std::lock_guard<std::mutex> lock(forwarded_mutex);
  for (forwarded_op& f : forwarded)
    if (f.fd == fd && (!key || f.op->cancellation_key_ == key)) f.aborted = true;
}

// Removes op from the forwarded ops: whether it was aborted meanwhile.
bool take_forwarded(ds_op* op) {
  std::lock_guard<std::mutex> lock(forwarded_mutex);
  for (auto it = forwarded.begin(); it != forwarded.end(); ++it) {
    if (it->op != op) continue;
    const bool aborted = it->aborted;
    forwarded.erase(it);
    return aborted;
  }
  return false;
}
#endif

}  // namespace

int new_op_id(record& r, int slot) {
  return ops.add(op_entry{&r, slot});
}

void release_op_id(int id) {
  ops.release(id);
}

void pump(record& r) {
  for (int dir = 0; dir < directions; ++dir)
    pump_direction(r, dir);
}

void opened(record& r, int result) {
  r.open_id = 0;
  if (r.kind == socket_kind::stream) {
    if (result == ok) {
      r.state = phase::open;
    } else {  // a failed TCPSocket cannot be reused: the socket may connect again
      if (r.handle) ads_close(std::exchange(r.handle, 0));
      r.state = phase::unopened;
      r.have_remote = false;
    }
    if (ds_op* op = std::exchange(r.connecting, nullptr)) {
      finish(r, *op, result, 0);
      deliver(op);
    }
  } else {
    r.state = result == ok ? phase::open : phase::failed;
    r.open_result = result;
  }
  pump(r);
}

int open_datagram(record& r) {
  if (r.state != phase::unopened) return 0;
  const bool connected = r.have_remote && !r.have_local;
  const char* any = r.family == AF_INET6 ? "::" : "0.0.0.0";
  const int id = new_op_id(r, open_slot);
  claim_realm(r);
  const int h = ads_udp_open(id, connected ? r.remote_address.c_str() : nullptr,
                             connected ? r.remote_port : 0,
                             connected ? nullptr : (r.have_local ? r.local_address.c_str() : any),
                             connected ? 0 : r.local_port, buffer_arg(r, SO_SNDBUF),
                             buffer_arg(r, SO_RCVBUF), v6only_arg(r));
  if (h < 0) {
    release_op_id(id);
    return failure_code(h);
  }
  r.handle = h;
  r.connected_mode = connected;
  r.state = phase::opening;
  r.open_id = id;
  filter_udp_peer(r);
  return 0;
}

void filter_udp_peer(record& r) {
  if (r.handle && !r.connected_mode && r.have_remote)
    ads_udp_connect(r.handle, r.remote_address.c_str(), r.remote_port);  // names: unfiltered
}

void wait_for_open(record& r) {
  while (r.state == phase::opening && can_block()) {
    ads_wait(-1);
    ads_take_completions();
  }
}

void abort_all(record& r) {
#if defined(__EMSCRIPTEN_PTHREADS__)
  abort_forwarded(r.fd, nullptr);
#endif
  // A bridge operation that has already finished has already moved data (a read copied into
  // the buffer, a write was staged): it completes with that result, as if the cancellation had
  // come a moment later.
  ads_take_completions();
  bool any_in_flight = false;
  for (int dir = 0; dir < directions; ++dir) {
    if (r.in_flight[dir]) {
      release_op_id(std::exchange(r.in_flight[dir], 0));
      any_in_flight = true;
    }
    r.restart_aborted[dir] = false;
    while (operation* op = r.queue[dir].pop())
      abort_op(static_cast<ds_op*>(op));
  }
  if (ds_op* op = std::exchange(r.connecting, nullptr)) {
    stop_connecting(r);
    abort_op(op);
  }
  if (any_in_flight && r.handle) ads_cancel(r.handle);
}

namespace {
// Starts op on r (nullptr: fd is no socket) from this thread.
void start_here(record* r, ds_op* op) {
  if (!r || !in_realm(*r)) {
    finish_now(*op, r ? wrong_thread() : e::bad_descriptor);
    deliver(op);
    return;
  }
#if defined(__EMSCRIPTEN_PTHREADS__)
  if (op->owner) r->last_owner.store(op->owner, std::memory_order_relaxed);
#endif
  if (op->kind == op_kind::connect) {
    if (begin_connect(*r, *op) == outcome::finished) deliver(op);
    return;
  }
  op_queue& q = r->queue[op->direction];
  q.push(op);
  if (q.front() == op) pump_direction(*r, op->direction);
}

#if defined(__EMSCRIPTEN_PTHREADS__)
// An operation of a context can start on this thread if its socket's Direct Sockets object
// lives here, or if none exists yet and this thread runs the context (the object will then
// live where the completions are awaited).
bool starts_here(const record& r, const ds_op& op) {
  if (r.realm) return in_realm(r);
  return owner_runs_here(op.owner);
}
#endif
}  // namespace

void start(int fd, ds_op* op) {
  record* r = find(fd);
#if defined(__EMSCRIPTEN_PTHREADS__)
  // Started on another thread (or before any thread runs the context, as Asio's chat client
  // connects): the start moves to a thread that runs the context (start_forwarded).
  if (op->owner && r && !starts_here(*r, *op)) {
    note_forwarded(fd, op);
    return forward_to_owner(fd, op);
  }
#endif
  start_here(r, op);
}

#if defined(__EMSCRIPTEN_PTHREADS__)
void start_forwarded(int fd, ds_op* op) {
  if (take_forwarded(op)) {  // closed or cancelled before it could start
    finish_now(*op, e::operation_aborted);
    deliver(op);
    return;
  }
  start_here(find(fd), op);  // still another realm's socket: resource_deadlock_would_occur
}

void forget_forwarded(ds_op* op) {
  take_forwarded(op);
}
#endif

bool cancel(int fd) {
  record* r = find(fd);
  if (r && !in_realm(*r)) return false;
  if (r) abort_all(*r);
  return true;
}

void cancel_op(int fd, int dir, void* key) {
#if defined(__EMSCRIPTEN_PTHREADS__)
  if (key) abort_forwarded(fd, key);
#endif
  record* r = find(fd);
  if (!r || !key || !in_realm(*r)) return;  // another realm's: its thread must emit it
  ads_take_completions();                   // finished operations keep their result
  if (dir == open_slot) {
    if (r->connecting && r->connecting->cancellation_key_ == key) {
      ds_op* op = std::exchange(r->connecting, nullptr);
      stop_connecting(*r);
      abort_op(op);
      pump(*r);
    }
    return;
  }
  if (dir < 0 || dir >= directions) return;
  op_queue& q = r->queue[dir];
  auto* front = static_cast<ds_op*>(q.front());
  if (front && front->cancellation_key_ == key) {
    q.pop();
    if (r->in_flight[dir]) cancel_in_flight(*r, dir);
    abort_op(front);
    pump_direction(*r, dir);
    return;
  }
  if (operation* op = q.remove_by_key(key)) abort_op(static_cast<ds_op*>(op));
}

bool busy(int fd, int dir) {
  record* r = find(fd);
  return r && in_realm(*r) && dir >= 0 && dir < directions && !r->queue[dir].empty();
}

namespace {
void perform_once(int fd, ds_op& op, bool may_wait) {
  error_code ec;
  record* r = find_here(fd, ec);
  if (!r) {
    finish_now(op, ec);
    return;
  }
  // Asynchronous operations already waiting in that direction own the bridge's side: not a
  // second reader or writer.
  if (op.kind != op_kind::connect && !r->queue[op.direction].empty()) {
    finish_now(op, e::already_started);
    return;
  }
  if (may_wait && can_block()) {
    start(fd, &op);
    while (!op.finished) {
      ads_wait(-1);
      ads_take_completions();
    }
    return;
  }
  switch (op.kind) {
    case op_kind::read:
    case op_kind::write:
    case op_kind::send_to:
    case op_kind::receive_from:
      // One non-blocking attempt that keeps no pointer.
      if (begin(*r, op, true) != outcome::finished) finish_now(op, e::would_block);
      return;
    default:
      // Accept, connect and wait: started, finished if the bridge has the result at hand,
      // else let go.
      start(fd, &op);
      if (!op.finished) ads_take_completions();
      if (op.finished) return;
      abandon(*r, op);
      finish_now(op, e::would_block);
  }
}
}  // namespace

void perform(int fd, ds_op& op, bool may_wait) {
  perform_once(fd, op, may_wait);
  op.finished = true;
}

void abandon_owner(void* owner, op_queue& out) {
  for (record* r : records_of_this_thread()) {
    bool cancel_bridge = false;
    for (int dir = 0; dir < directions; ++dir) {
      op_queue keep;
      bool front = true;
      while (auto* op = static_cast<ds_op*>(r->queue[dir].pop())) {
        if (op->owner != owner) {
          keep.push(op);
        } else {
          if (front && r->in_flight[dir]) {
            release_op_id(std::exchange(r->in_flight[dir], 0));
            cancel_bridge = true;
          }
          out.push(op);
        }
        front = false;
      }
      r->queue[dir].push(keep);
    }
    if (r->connecting && r->connecting->owner == owner) {
      out.push(std::exchange(r->connecting, nullptr));
      stop_connecting(*r);
    }
    if (cancel_bridge) {
      for (int d = 0; d < directions; ++d)
        if (r->in_flight[d]) r->restart_aborted[d] = true;
      if (r->handle) ads_cancel(r->handle);
      pump(*r);  // other owners' operations queued behind move up
    }
  }
}

void touch_thread_state() {
#if defined(__EMSCRIPTEN_PTHREADS__)
  (void)ops.size();
  (void)browser_loop::is_attached(nullptr);
#endif
}

void take_completions() {
  ads_take_completions();
#if defined(__EMSCRIPTEN_PTHREADS__)
  reap_orphans();  // only another thread's close() makes orphans
#endif
}

bool can_block() {
  static const bool blocking = ads_can_block() != 0;
  return blocking;
}

void wait(int timeout_ms) {
  ads_wait(timeout_ms);
}

void yield() {
  ads_wait(ads_wait_yield);
}

}  // namespace asio_directsockets::detail::ds

extern "C" EMSCRIPTEN_KEEPALIVE void ads_on_complete(int op, int err, int value) {
  asio_directsockets::detail::ds::on_complete(op, err, value);
}
