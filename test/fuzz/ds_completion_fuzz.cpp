// Fuzzes the completion path of the Direct Sockets backend's C++ side (ds_sockets.cpp),
// compiled natively against fake_bridge.cpp: random sequences of socket calls (as the reactor
// makes them), completions from the bridge with any error and value, and completion records
// with bogus or stale op ids. Under ASan/UBSan.
//
// The harness plays the reactor: it keeps each direction's buffer alive exactly while the
// operation is pending (until the call returns "done", or after cancel()/close()), so a bridge
// write into a buffer the C++ side should have taken back shows up as use-after-free. Checked
// invariants (abort() on violation): a finished transfer never reports more bytes than its
// buffer holds, and a success never carries a transfer that did not happen.
#include "fake_bridge.hpp"

#include <asio_directsockets/detail/backend/direct_sockets/bridge.hpp>
#include <asio_directsockets/detail/backend/direct_sockets/ds_sockets.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
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
  std::fprintf(stderr, "ds_sockets invariant broken: %s (%lld, %lld)\n", what, a, b);
  std::abort();
}

// One reactor-level operation in progress on a descriptor, with the buffers it owns.
struct io {
  enum what { none, recv, send, recvfrom, sendto, accept, poll } w = none;
  std::vector<std::unique_ptr<unsigned char[]>> storage;
  std::vector<iovec> iov;
  std::size_t total = 0;
  sockaddr_storage addr{};
  std::size_t addrlen = 0;
};

struct fd_state {
  io dirs[3];  // read, write, except
};

std::map<int, fd_state> fds;

void make_buffers(io& o, input& in) {
  const int count = 1 + in.byte() % 3;
  for (int i = 0; i < count; ++i) {
    const std::size_t len = in.byte() % 4 == 0 ? 0 : 1 + in.u16() % 4096;
    // Exactly sized heap blocks, so ASan sees any access past their end.
    o.storage.emplace_back(new unsigned char[len ? len : 1]);
    o.iov.push_back({o.storage.back().get(), len});
    o.total += len;
  }
}

bool all_empty(const io& o) {
  return o.total == 0;
}

void make_addr(input& in, sockaddr_storage& ss, std::size_t& len) {
  std::memset(&ss, 0, sizeof ss);
  const int port = in.u16();
  switch (in.byte() % 5) {
    case 0:
    case 1: {
      auto* a = reinterpret_cast<sockaddr_in*>(&ss);
      a->sin_family = AF_INET;
      a->sin_port = htons(static_cast<std::uint16_t>(port));
      a->sin_addr.s_addr = htonl(in.byte() % 2 ? 0x7f000001u : 0xF0000000u + in.byte() % 4);
      len = sizeof(sockaddr_in);
      break;
    }
    case 2: {
      auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
      a->sin6_family = AF_INET6;
      a->sin6_port = htons(static_cast<std::uint16_t>(port));
      a->sin6_addr.s6_addr[15] = 1;
      len = sizeof(sockaddr_in6);
      break;
    }
    case 3:  // a v4 family with a truncated length
      reinterpret_cast<sockaddr_in*>(&ss)->sin_family = AF_INET;
      len = in.byte() % sizeof(sockaddr_in);
      break;
    default:  // another family
      ss.ss_family = AF_UNIX;
      len = sizeof(sockaddr_storage);
      break;
  }
}

// Checks a finished transfer and releases the operation's buffers.
void finished(io& o, const error_code& ec, std::size_t bytes) {
  if (bytes > o.total) violation("more bytes reported than the buffers hold", bytes, o.total);
  if (ec && bytes != 0) violation("an error with a byte count", ec.value(), bytes);
  // Read every reported byte: ASan checks they lie inside live buffers.
  std::size_t left = bytes;
  for (const iovec& v : o.iov) {
    const std::size_t n = std::min(left, v.iov_len);
    const auto* p = static_cast<const volatile unsigned char*>(v.iov_base);
    for (std::size_t i = 0; i < n; ++i)
      (void)p[i];
    left -= n;
  }
  o = io{};
}

int pick_fd(input& in) {
  if (fds.empty() || in.byte() % 16 == 0) return ds::first_fd + in.byte() % 8;  // maybe unknown
  auto it = fds.begin();
  std::advance(it, in.byte() % fds.size());
  return it->first;
}

// Starts or retries the operation of one direction, as the reactor does.
void run_io(int fd, int dir, input& in) {
  io& o = fds[fd].dirs[dir];
  error_code ec;
  std::size_t bytes = 0;
  bool done = false;
  if (o.w == io::none) {
    const int choice = in.byte();
    if (dir == ds::read_direction) {
      static constexpr io::what reads[] = {io::recv, io::recvfrom, io::accept, io::poll};
      o.w = reads[choice % 4];
    } else if (dir == ds::write_direction) {
      static constexpr io::what writes[] = {io::send, io::sendto, io::poll};
      o.w = writes[choice % 3];
    } else {
      o.w = io::poll;
    }
    if (o.w == io::recv || o.w == io::recvfrom || o.w == io::send || o.w == io::sendto)
      make_buffers(o, in);
    if (o.w == io::sendto) make_addr(in, o.addr, o.addrlen);
    if (o.w == io::recvfrom || o.w == io::accept) o.addrlen = sizeof o.addr;
  }
  switch (o.w) {
    case io::recv:
      done = ds::recv(fd, o.iov.data(), o.iov.size(), true, all_empty(o), ec, bytes);
      break;
    case io::send:
      done = ds::send(fd, o.iov.data(), o.iov.size(), all_empty(o), ec, bytes);
      break;
    case io::recvfrom:
      done = ds::recvfrom(fd, o.iov.data(), o.iov.size(), reinterpret_cast<sockaddr*>(&o.addr),
                          &o.addrlen, ec, bytes);
      if (done && o.addrlen > sizeof o.addr) violation("address length", o.addrlen, 0);
      break;
    case io::sendto:
      done = ds::sendto(fd, o.iov.data(), o.iov.size(), reinterpret_cast<sockaddr*>(&o.addr),
                        o.addrlen, ec, bytes);
      break;
    case io::accept: {
      int new_fd = -1;
      done = ds::accept(fd, reinterpret_cast<sockaddr*>(&o.addr), &o.addrlen, ec, new_fd);
      if (done && !ec) {
        if (!ds::is_ds(new_fd)) violation("accepted descriptor", new_fd, 0);
        fds[new_fd];
      }
      break;
    }
    case io::poll:
      done = ds::poll(fd, dir, ec);
      break;
    case io::none:
      break;
  }
  if (done) finished(o, ec, bytes);
}

void cancel_dir(int fd, int dir) {
  ds::cancel(fd, dir);  // the bridge must have let go of the buffers now
  auto it = fds.find(fd);
  if (it == fds.end()) return;
  for (int d = 0; d < 3; ++d)
    if (dir < 0 || d == dir) it->second.dirs[d] = io{};
}

const bool trace = std::getenv("ASIO_DS_FAKE_BRIDGE_TRACE") != nullptr;

void step(input& in) {
  const int action = in.byte() % 20;
  if (trace) std::fprintf(stderr, "step %d\n", action);
  switch (action) {
    case 0: {  // socket()
      if (fds.size() >= 16) break;
      error_code ec;
      const int fd = ds::socket(in.byte() % 2 ? AF_INET : AF_INET6,
                                in.byte() % 2 ? SOCK_STREAM : SOCK_DGRAM, 0, ec);
      if (!ec) fds[fd];
      break;
    }
    case 1: {  // close()
      const int fd = pick_fd(in);
      error_code ec;
      ds::close(fd, ec);
      fds.erase(fd);  // buffers released only after close() returned
      break;
    }
    case 2: {
      sockaddr_storage ss;
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
    case 4: {
      sockaddr_storage ss;
      std::size_t len = 0;
      make_addr(in, ss, len);
      error_code ec;
      const int fd = pick_fd(in);
      ds::start_connect(fd, reinterpret_cast<sockaddr*>(&ss), len, ec);
      break;
    }
    case 5: {
      error_code ec;
      ds::connect_result(pick_fd(in), ec);
      break;
    }
    case 6: {
      error_code ec;
      ds::shutdown(pick_fd(in), in.byte() % 3, ec);
      break;
    }
    case 7:
    case 8:
    case 9: {  // start or retry I/O in one direction
      const int fd = pick_fd(in);
      run_io(fd, in.byte() % 3, in);
      break;
    }
    case 10: {
      const int fd = pick_fd(in);
      const int dir = static_cast<int>(in.byte() % 4) - 1;
      cancel_dir(fd, dir);
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
    case 15: {  // deliver completions; retry every direction that got an event
      std::vector<ds::event> events;
      ds::take_events(events);
      for (const auto& e : events) {
        if (e.dir < 0 || e.dir > 2) violation("event direction", e.dir, 0);
        auto it = fds.find(e.fd);
        if (it != fds.end() && it->second.dirs[e.dir].w != io::none) run_io(e.fd, e.dir, in);
      }
      break;
    }
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
      sockaddr_storage ss;
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
    default: {  // one non-blocking attempt (user non-blocking mode)
      ds::try_scope scope(true);
      run_io(pick_fd(in), in.byte() % 2, in);
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  input in(data, size);
  for (int steps = 0; steps < 400 && !in.empty(); ++steps)
    step(in);
  // Teardown as the reactor does it: close every descriptor, then drop the buffers.
  while (!fds.empty()) {
    const int fd = fds.begin()->first;
    error_code ec;
    ds::close(fd, ec);
    fds.erase(fd);
  }
  // Whatever the bridge still delivers now must find nothing to touch.
  for (int i = 0; i < 3; ++i) {
    fake_bridge::complete_pending(0, 0, 4096);
    std::vector<ds::event> events;
    ds::take_events(events);
  }
  if (!fake_bridge::pending().empty())
    violation("ops still pending in the bridge after every socket was closed",
              static_cast<long long>(fake_bridge::pending().size()), 0);
  fake_bridge::reset();
  return 0;
}
