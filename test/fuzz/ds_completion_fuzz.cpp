// Fuzzes the Direct Sockets backend's C++ side (descriptors.cpp, operations.cpp), compiled
// natively against fake_bridge.cpp: random sequences of socket calls and operations (as the
// socket service makes them), cancellations, completions from the bridge with any error and
// value, and completion records with bogus or stale op ids. Under ASan/UBSan.
//
// The harness plays the owner of the operations (deliver_to_owner): each operation's buffers
// stay alive exactly until it is delivered, so a bridge write into a buffer the backend should
// have taken back shows up as use-after-free. Checked invariants (abort() on violation): every
// operation is delivered exactly once (never twice, none left over once its socket is closed),
// a finished transfer never reports more bytes than its buffer holds, an error carries no
// bytes, and a synchronous call that cannot wait returns finished, keeping no pointer.
#include "fake_bridge.hpp"

#include <asio_directsockets/detail/backend/direct_sockets/backend.hpp>
#include <asio_directsockets/detail/backend/direct_sockets/bridge.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace {

namespace ds = asio_directsockets::detail::ds;
using boost::system::error_code;

class input {
 public:
  input(const std::uint8_t* data, std::size_t size) : p_(data), end_(data + size) {}
  bool empty() const { return p_ >= end_; }
  std::uint8_t byte() { return p_ < end_ ? *p_++ : 0; }
  int u16() { return byte() | (byte() << 8); }
  int i32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v |= std::uint32_t(byte()) << (8 * i);
    return static_cast<int>(v);
  }
  // Mostly small values, sometimes anything.
  int value() {
    switch (byte() % 4) {
      case 0:
        return byte();
      case 1:
        return u16();
      case 2:
        return -static_cast<int>(byte());
      default:
        return i32();
    }
  }

 private:
  const std::uint8_t* p_;
  const std::uint8_t* end_;
};

[[noreturn]] void violation(const char* what, long long a, long long b) {
  std::fprintf(stderr, "Direct Sockets backend invariant broken: %s (%lld, %lld)\n", what, a, b);
  std::abort();
}

int owner_tag;  // the owner every asynchronous operation names

// An asynchronous operation with the buffer it owns (an exactly sized heap block, so ASan sees
// any access past its end).
struct fuzz_op : ds::ds_op {
  fuzz_op(ds::op_kind k, int dir) : ds_op(&nothing, k, dir) {}
  std::unique_ptr<unsigned char[]> storage;
  int deliveries = 0;
  int fd = -1;
  static void nothing(void*, asio_directsockets::detail::operation*, const error_code&,
                      std::size_t) {}
};

std::set<fuzz_op*> outstanding;
std::vector<fuzz_op*> delivered;
std::set<int> fds;

void give_buffer(ds::ds_op& op, std::unique_ptr<unsigned char[]>& storage, input& in) {
  const int len = in.byte() % 4 == 0 ? 0 : 1 + in.u16() % 4096;
  storage.reset(new unsigned char[len ? len : 1]);
  op.buffer = len ? storage.get() : nullptr;
  op.length = len;
}

void make_addr(input& in, sockaddr_in6& storage, std::size_t& len) {
  std::memset(&storage, 0, sizeof storage);
  auto* ss = reinterpret_cast<sockaddr*>(&storage);
  const int port = in.u16();
  switch (in.byte() % 5) {
    case 0:
    case 1: {
      auto* a = reinterpret_cast<sockaddr_in*>(ss);
      a->sin_family = AF_INET;
      a->sin_port = htons(static_cast<std::uint16_t>(port));
      a->sin_addr.s_addr = htonl(in.byte() % 2 ? 0x7f000001u : 0xF0000000u + in.byte() % 4);
      len = sizeof(sockaddr_in);
      break;
    }
    case 2:
      storage.sin6_family = AF_INET6;
      storage.sin6_port = htons(static_cast<std::uint16_t>(port));
      storage.sin6_addr.s6_addr[15] = 1;
      len = sizeof(sockaddr_in6);
      break;
    case 3:  // a v4 family with a truncated length
      reinterpret_cast<sockaddr_in*>(ss)->sin_family = AF_INET;
      len = in.byte() % sizeof(sockaddr_in);
      break;
    default:  // another family
      ss->sa_family = AF_UNIX;
      len = sizeof storage;
      break;
  }
}

// Checks a finished operation's result; reads every reported byte (ASan checks they lie inside
// the live buffer).
void check_result(const ds::ds_op& op) {
  const std::size_t bytes = op.bytes_;
  if (bytes > static_cast<std::size_t>(op.length))
    violation("more bytes reported than the buffer holds", bytes, op.length);
  if (op.ec_ && bytes != 0) violation("an error with a byte count", op.ec_.value(), bytes);
  if (op.address_length > sizeof op.address) violation("address length", op.address_length, 0);
  const auto* p = static_cast<const volatile unsigned char*>(op.buffer);
  for (std::size_t i = 0; i < bytes; ++i)
    (void)p[i];
  if (op.kind == ds::op_kind::accept && !op.ec_ && !ds::is_descriptor(op.accepted))
    violation("accepted descriptor", op.accepted, 0);
}

// The owner's side: takes the delivered operations, checks them and frees their buffers.
void collect() {
  std::vector<fuzz_op*> batch;
  batch.swap(delivered);
  for (fuzz_op* op : batch) {
    check_result(*op);
    if (op->accepted >= 0) fds.insert(op->accepted);  // the socket object takes it
    outstanding.erase(op);
    delete op;
  }
}

int pick_fd(input& in) {
  if (fds.empty() || in.byte() % 16 == 0) return ds::first_fd + in.byte() % 8;  // maybe unknown
  auto it = fds.begin();
  std::advance(it, in.byte() % fds.size());
  return *it;
}

fuzz_op* make_op(input& in, int& dir) {
  static constexpr ds::op_kind kinds[] = {
      ds::op_kind::read,   ds::op_kind::write,   ds::op_kind::send_to, ds::op_kind::receive_from,
      ds::op_kind::accept, ds::op_kind::connect, ds::op_kind::wait};
  const ds::op_kind k = kinds[in.byte() % 7];
  dir = k == ds::op_kind::write || k == ds::op_kind::send_to ? ds::write_direction
        : k == ds::op_kind::wait                             ? in.byte() % 3
        : k == ds::op_kind::connect                          ? ds::directions
                                                             : ds::read_direction;
  auto* op = new fuzz_op(k, dir);
  if (k == ds::op_kind::read || k == ds::op_kind::write || k == ds::op_kind::send_to ||
      k == ds::op_kind::receive_from)
    give_buffer(*op, op->storage, in);
  if (k == ds::op_kind::send_to || k == ds::op_kind::connect)
    make_addr(in, op->address, op->address_length);
  op->wants_address = in.byte() % 2;
  op->owner = &owner_tag;
  op->cancellation_key_ = op;
  return op;
}

// A synchronous call in callback mode (the fake bridge cannot block): it must come back
// finished, and the backend must keep no pointer to its operation or buffer.
void sync_call(int fd, input& in) {
  int dir = 0;
  std::unique_ptr<fuzz_op> op(make_op(in, dir));
  op->owner = nullptr;
  ds::perform(fd, *op, in.byte() % 2);
  if (!op->finished) violation("a synchronous call returned unfinished", dir, 0);
  check_result(*op);
  if (op->accepted >= 0) fds.insert(op->accepted);
}

const bool trace = std::getenv("ASIO_DS_FAKE_BRIDGE_TRACE") != nullptr;

void step(input& in) {
  const int action = in.byte() % 20;
  if (trace) std::fprintf(stderr, "step %d\n", action);
  switch (action) {
    case 0: {  // socket()
      if (fds.size() >= 16) break;
      error_code ec;
      const int fd = ds::open(in.byte() % 2 ? AF_INET : AF_INET6,
                              in.byte() % 2 ? SOCK_STREAM : SOCK_DGRAM, ec);
      if (!ec) fds.insert(fd);
      break;
    }
    case 1: {  // close(): its operations are delivered (aborted) before it returns
      const int fd = pick_fd(in);
      error_code ec;
      ds::close(fd, ec);
      fds.erase(fd);
      collect();
      break;
    }
    case 2: {
      sockaddr_in6 ss;
      std::size_t len = 0;
      make_addr(in, ss, len);
      error_code ec;
      ds::bind(pick_fd(in), reinterpret_cast<sockaddr*>(&ss), len, ec);
      break;
    }
    case 3: {
      error_code ec;
      ds::listen(pick_fd(in), in.byte() % 3, ec);
      break;
    }
    case 4:
    case 5:
    case 6:
    case 7: {  // start an asynchronous operation
      if (outstanding.size() >= 64) break;
      int dir = 0;
      fuzz_op* op = make_op(in, dir);
      outstanding.insert(op);
      op->fd = pick_fd(in);
      ds::start(op->fd, op);
      break;
    }
    case 8: {  // per-operation cancellation of an outstanding op (or of nothing)
      if (outstanding.empty()) {
        ds::cancel_op(pick_fd(in), in.byte() % 4, &owner_tag);
        break;
      }
      auto it = outstanding.begin();
      std::advance(it, in.byte() % outstanding.size());
      ds::cancel_op(pick_fd(in), (*it)->direction, *it);
      break;
    }
    case 9:
      ds::cancel(pick_fd(in));
      break;
    case 10: {
      error_code ec;
      ds::shutdown(pick_fd(in), in.byte() % 3, ec);
      break;
    }
    case 11:
    case 12:
    case 13: {  // the bridge completes a pending op with any error and value
      const std::size_t index = in.byte();
      const int sel = in.byte() % 8;  // mostly success, the bridge's codes, sometimes anything
      const int err = sel < 4 ? 0 : sel < 7 ? in.byte() % 20 : in.value();
      fake_bridge::complete_pending(index, err, in.value());
      break;
    }
    case 14:  // a completion record for a bogus, stale or foreign op id
      fake_bridge::queue_raw(in.value(), in.value(), in.value());
      break;
    case 15:  // deliver completions; the owner runs what finished
      ds::take_completions();
      collect();
      break;
    case 16:
      fake_bridge::set_next_sync_result(in.value());
      break;
    case 17: {  // options, as Asio sets them (right sizes)
      error_code ec;
      const int fd = pick_fd(in);
      int on = in.byte() % 2;
      ::linger l{in.byte() % 2, 0};
      switch (in.byte() % 4) {
        case 0:
          ds::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on, ec);
          break;
        case 1:
          ds::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l, ec);
          break;
        case 2: {
          ip_mreq m{};
          m.imr_multiaddr.s_addr = htonl(0xE0000001u);
          ds::setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m, ec);
          break;
        }
        default: {
          int v = 0;
          std::size_t size = sizeof v;
          ds::getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &size, ec);
          if (size > sizeof v) violation("option size", size, sizeof v);
        }
      }
      break;
    }
    case 18: {  // endpoints and available()
      error_code ec;
      sockaddr_in6 ss;
      std::size_t len = sizeof ss;
      const int fd = pick_fd(in);
      if (in.byte() % 2)
        ds::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len, ec);
      else
        ds::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len, ec);
      if (len > sizeof ss) violation("endpoint length", len, sizeof ss);
      ds::available(fd, ec);
      break;
    }
    default:  // a synchronous call, one attempt (callback mode or user non-blocking mode)
      sync_call(pick_fd(in), in);
      break;
  }
}

}  // namespace

void asio_directsockets::detail::ds::deliver_to_owner(ds_op* op) {
  if (op->owner != &owner_tag) violation("delivered to a foreign owner", 0, 0);
  auto* f = static_cast<fuzz_op*>(op);
  if (!outstanding.count(f)) violation("delivered an operation that is not outstanding", 0, 0);
  if (++f->deliveries != 1) violation("delivered twice", f->deliveries, 0);
  delivered.push_back(f);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  input in(data, size);
  for (int steps = 0; steps < 400 && !in.empty(); ++steps)
    step(in);
  // Teardown as the socket objects do it: close every socket; each operation is delivered.
  collect();
  while (!fds.empty()) {
    const int fd = *fds.begin();
    error_code ec;
    ds::close(fd, ec);
    fds.erase(fd);
    collect();
  }
  // Operations started on descriptors that never existed were delivered at once; any left
  // belong to no socket, which is a leak.
  asio_directsockets::detail::op_queue left;
  ds::abandon_owner(&owner_tag, left);
  if (!left.empty() || !outstanding.empty()) {
    for (fuzz_op* op : outstanding)
      std::fprintf(stderr, "never delivered: kind %d dir %d on %d\n", static_cast<int>(op->kind),
                   op->direction, op->fd);
    violation("operations never delivered", static_cast<long long>(outstanding.size()), 0);
  }
  // Whatever the bridge still delivers now must find nothing to touch.
  for (int i = 0; i < 3; ++i) {
    fake_bridge::complete_pending(0, 0, 4096);
    ds::take_completions();
  }
  if (!delivered.empty()) violation("delivered after every socket was closed", 0, 0);
  if (!fake_bridge::pending().empty())
    violation("ops still pending in the bridge after every socket was closed",
              static_cast<long long>(fake_bridge::pending().size()), 0);
  fake_bridge::reset();
  return 0;
}
