// The benchmark client on Emscripten's default sockets (SOCKFS), the way a C/C++ program reaches
// the network from a browser today: every socket is a WebSocket to a proxy (Debian's websockify
// here) that opens the real TCP connection to the server. Same scenarios, arguments and JSON rows
// as bench/bench_client.cpp, as far as SOCKFS can go (TCP only: websockify carries no UDP).
// Non-blocking sockets driven by emscripten_set_socket_*_callback, the fastest way to use SOCKFS
// (shared/reference/baselines: a main loop instead caps at 60 round trips/s with
// requestAnimationFrame). main() returns at once; the program ends with exit() after printing
// its row, so bench/browser/driver.js runs it with waitForExit.
//   sockfs_client SCENARIO --port WEBSOCKIFY_PORT [--msg N] [--conns C] [--secs S] [--warm W]
//                 [--bytes B] [--server-pid PID]
// SCENARIO: tcp_echo tcp_connect tcp_download tcp_upload.
#include "common/args.hpp"
#include "common/json_line.hpp"
#include "common/latency.hpp"
#include "common/pattern.hpp"
#include "common/proc_stats.hpp"

#include <arpa/inet.h>
#include <emscripten/emscripten.h>
#include <emscripten/eventloop.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

using bench::clock;

[[noreturn]] void finish(const bench::json_line& row, int status) {
  row.print();
  std::exit(status);
}

bench::json_line row(const char* scenario, long long msg, long long conns) {
  bench::json_line j;
  j.field("schema", 1)
      .field("impl", "emscripten-websockify")
      .field("platform", "chromium")
      .field("scenario", scenario)
      .field("msg", msg)
      .field("conns", conns);
  return j;
}

[[noreturn]] void fail(const char* scenario, long long msg, long long conns,
                       const std::string& what) {
  finish(row(scenario, msg, conns).field("error", what), 1);
}

// A non-blocking SOCKFS socket connecting to 127.0.0.1:port (connect() answers EINPROGRESS;
// the open callback reports the WebSocket open).
int open_socket(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (fd < 0) return -1;
  ::fcntl(fd, F_SETFL, O_NONBLOCK);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<unsigned short>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 && errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// One scenario at a time receives the socket events. SOCKFS sends a late error event for
// sockets already closed (fd 0 among them): events for unknown descriptors are ignored.
struct scenario {
  virtual ~scenario() = default;
  virtual void on_open(int fd) = 0;
  virtual void on_message(int fd) = 0;
  virtual void on_close(int fd) = 0;
  virtual void on_error(int fd, int err, const char* msg) = 0;
};
std::unique_ptr<scenario> current;

// The measurement window (bench/common/window.hpp): warm-up, `secs` of counting, then stop.
class window {
 public:
  window(double warm, double secs, int server_pid, void (*on_stop)())
      : warm_(warm), secs_(secs), server_pid_(server_pid), on_stop_(on_stop) {}
  void start() { emscripten_set_timeout(&window::begin, warm_ * 1000, this); }
  double seconds() const { return std::chrono::duration<double>(t1_ - t0_).count(); }
  void add_cpu(bench::json_line& j, double ops) const {
    if (ops <= 0 || c0_ < 0 || c1_ < 0) return;
    j.value("cpu_client_per_op", (c1_ - c0_) / 1e3 / ops, "us");
    if (s0_ >= 0 && s1_ >= 0) {
      j.value("cpu_server_per_op", (s1_ - s0_) / 1e3 / ops, "us");
      j.value("cpu_per_op", (c1_ - c0_ + s1_ - s0_) / 1e3 / ops, "us");
    }
  }
  bool measuring = false, stopping = false;

 private:
  static void begin(void* p) {
    auto* w = static_cast<window*>(p);
    w->c0_ = bench::cpu_ns();
    w->s0_ = w->server_pid_ > 0 ? bench::cpu_ns(w->server_pid_) : -1;
    w->measuring = true;
    w->t0_ = clock::now();
    emscripten_set_timeout(&window::end, w->secs_ * 1000, w);
  }
  static void end(void* p) {
    auto* w = static_cast<window*>(p);
    w->measuring = false;
    w->stopping = true;
    w->t1_ = clock::now();
    w->c1_ = bench::cpu_ns();
    w->s1_ = w->server_pid_ > 0 ? bench::cpu_ns(w->server_pid_) : -1;
    w->on_stop_();
  }
  double warm_, secs_;
  int server_pid_;
  void (*on_stop_)();
  clock::time_point t0_, t1_;
  long long c0_ = -1, c1_ = -1, s0_ = -1, s1_ = -1;
};

// ---- tcp_echo: each connection writes one message, reads the echo completely, repeats --------
class tcp_echo : public scenario {
 public:
  tcp_echo(bench::args& a)
      : port_(static_cast<int>(a.integer("port", 0))),
        msg_(static_cast<std::size_t>(a.integer("msg", 64))),
        conns_(static_cast<int>(a.integer("conns", 1))),
        w_(a.number("warm", 0.25), a.number("secs", 1.0),
           static_cast<int>(a.integer("server-pid", 0)), &tcp_echo::stop),
        out_(msg_),
        in_(msg_) {
    a.check_all_used();
    for (std::size_t i = 0; i < msg_; ++i)
      out_[i] = static_cast<char>(i * 7 + 1);
  }
  void start() {
    for (int i = 0; i < conns_; ++i) {
      const int fd = open_socket(port_);
      if (fd < 0)
        fail("tcp_echo", msg_, conns_, "socket/connect: " + std::string(std::strerror(errno)));
      conns_by_fd_[fd] = {};
    }
  }
  void on_open(int fd) override {
    auto it = conns_by_fd_.find(fd);
    if (it == conns_by_fd_.end() || it->second.open) return;
    it->second.open = true;
    if (++opened_ < conns_) return;
    for (auto& [f, c] : conns_by_fd_)
      send_message(f, c);
    w_.start();
  }
  void on_message(int fd) override {
    auto it = conns_by_fd_.find(fd);
    if (it == conns_by_fd_.end()) return;
    conn& c = it->second;
    for (;;) {
      const ssize_t k = ::recv(fd, in_.data() + c.got, msg_ - c.got, 0);
      if (k < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        fail("tcp_echo", msg_, conns_, "recv: " + std::string(std::strerror(errno)));
      }
      if (k == 0) fail("tcp_echo", msg_, conns_, "recv: unexpected eof");
      c.got += static_cast<std::size_t>(k);
      if (c.got < msg_) continue;
      if (in_.front() != out_.front() || in_.back() != out_.back())
        fail("tcp_echo", msg_, conns_, "bad echo");
      if (w_.measuring) {
        ++rts_;
        lat_.add(clock::now() - c.t0);
      }
      if (w_.stopping) return;
      send_message(fd, c);
    }
  }
  void on_close(int fd) override {
    if (conns_by_fd_.count(fd) && !w_.stopping) fail("tcp_echo", msg_, conns_, "connection closed");
  }
  void on_error(int fd, int, const char* what) override {
    if (conns_by_fd_.count(fd) && !w_.stopping) fail("tcp_echo", msg_, conns_, what);
  }

 private:
  struct conn {
    bool open = false;
    std::size_t got = 0;
    clock::time_point t0;
  };
  void send_message(int fd, conn& c) {
    c.got = 0;
    c.t0 = clock::now();
    if (::send(fd, out_.data(), msg_, 0) != static_cast<ssize_t>(msg_))
      fail("tcp_echo", msg_, conns_, "send: " + std::string(std::strerror(errno)));
  }
  static void stop() {
    auto* self = static_cast<tcp_echo*>(current.get());
    const double s = self->w_.seconds();
    bench::json_line j = row("tcp_echo", self->msg_, self->conns_);
    j.field("seconds", s)
        .value("throughput", self->rts_ * static_cast<double>(self->msg_) / 1048576.0 / s, "MiB/s")
        .value("rate", self->rts_ / s, "round trips/s")
        .value("p50", self->lat_.percentile(0.50), "us")
        .value("p99", self->lat_.percentile(0.99), "us");
    self->w_.add_cpu(j, static_cast<double>(self->rts_));
    finish(j, 0);
  }

  int port_;
  std::size_t msg_;
  int conns_;
  window w_;
  std::vector<char> out_, in_;
  std::map<int, conn> conns_by_fd_;
  int opened_ = 0;
  long long rts_ = 0;
  bench::latency_samples lat_;
};

// ---- tcp_connect: connect (a WebSocket to the proxy, which connects to the server), [write one
// byte,] the server closes, the proxy closes the WebSocket, close, repeat -----------------------
class tcp_connect : public scenario {
 public:
  tcp_connect(bench::args& a)
      : port_(static_cast<int>(a.integer("port", 0))),
        conns_(static_cast<int>(a.integer("conns", 1))),
        w_(a.number("warm", 0.25), a.number("secs", 1.0),
           static_cast<int>(a.integer("server-pid", 0)), &tcp_connect::stop),
        send_byte_(a.integer("send-byte", 0) != 0) {
    a.check_all_used();
  }
  void start() {
    for (int i = 0; i < conns_; ++i)
      connect_one();
    w_.start();
  }
  void on_open(int fd) override {
    if (send_byte_ && started_.count(fd) && ::send(fd, "c", 1, 0) != 1)
      fail("tcp_connect", 0, conns_, "send: " + std::string(std::strerror(errno)));
  }
  void on_message(int fd) override {
    char b[64];
    if (started_.count(fd)) {
      while (::recv(fd, b, sizeof b, 0) > 0) {
      }
    }
  }
  void on_close(int fd) override {
    auto it = started_.find(fd);
    if (it == started_.end()) return;
    const clock::time_point t0 = it->second;
    started_.erase(it);
    ::close(fd);
    if (w_.measuring) {
      ++cycles_;
      lat_.add(clock::now() - t0);
    }
    if (!w_.stopping) connect_one();
  }
  void on_error(int fd, int, const char* what) override {
    if (started_.count(fd) && !w_.stopping) fail("tcp_connect", 0, conns_, what);
  }

 private:
  void connect_one() {
    const clock::time_point t0 = clock::now();
    const int fd = open_socket(port_);
    if (fd < 0)
      fail("tcp_connect", 0, conns_, "socket/connect: " + std::string(std::strerror(errno)));
    started_[fd] = t0;
  }
  static void stop() {
    auto* self = static_cast<tcp_connect*>(current.get());
    const double s = self->w_.seconds();
    bench::json_line j = row("tcp_connect", 0, self->conns_);
    j.field("seconds", s)
        .value("rate", self->cycles_ / s, "connections/s")
        .value("p50", self->lat_.percentile(0.50), "us")
        .value("p99", self->lat_.percentile(0.99), "us");
    self->w_.add_cpu(j, static_cast<double>(self->cycles_));
    finish(j, 0);
  }

  int port_;
  int conns_;
  window w_;
  bool send_byte_;
  std::map<int, clock::time_point> started_;
  long long cycles_ = 0;
  bench::latency_samples lat_;
};

// ---- tcp_download / tcp_upload (bench/scenarios/tcp_bulk.hpp): the same header and pattern ----
class tcp_bulk : public scenario {
 public:
  tcp_bulk(bench::args& a, bool upload)
      : upload_(upload),
        port_(static_cast<int>(a.integer("port", 0))),
        msg_(static_cast<std::size_t>(a.integer("msg", 65536))),
        bytes_(static_cast<std::uint64_t>(a.integer("bytes", 64LL << 20))),
        server_pid_(static_cast<int>(a.integer("server-pid", 0))),
        pat_(std::make_unique<bench::pattern>()),
        buf_(msg_) {
    a.check_all_used();
  }
  const char* name() const { return upload_ ? "tcp_upload" : "tcp_download"; }
  void start() {
    fd_ = open_socket(port_);
    if (fd_ < 0) fail(name(), msg_, 1, "socket/connect: " + std::string(std::strerror(errno)));
  }
  void on_open(int fd) override {
    if (fd != fd_) return;
    unsigned char header[8];
    for (int i = 0; i < 8; ++i)
      header[i] = static_cast<unsigned char>(bytes_ >> (8 * i));
    t0_ = clock::now();
    c0_ = bench::cpu_ns();
    s0_ = bench::cpu_ns(server_pid_);
    if (::send(fd_, header, 8, 0) != 8) fail(name(), msg_, 1, "send header");
    if (!upload_) return;
    // SOCKFS send() never pushes back: each call becomes one WebSocket message, queued in the
    // browser (bufferedAmount) until it is on the wire.
    for (std::uint64_t done = 0; done < bytes_;) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(msg_, bytes_ - done));
      pat_->fill(buf_.data(), n, done);
      if (::send(fd_, buf_.data(), n, 0) != static_cast<ssize_t>(n))
        fail(name(), msg_, 1, "send: " + std::string(std::strerror(errno)));
      done += n;
    }
  }
  void on_message(int fd) override {
    if (fd != fd_) return;
    for (;;) {
      const ssize_t k = ::recv(fd_, buf_.data(), buf_.size(), 0);
      if (k < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        fail(name(), msg_, 1, "recv: " + std::string(std::strerror(errno)));
      }
      if (k == 0) fail(name(), msg_, 1, "eof after " + std::to_string(done_) + " bytes");
      if (upload_) {
        verdict_.append(buf_.data(), static_cast<std::size_t>(k));
        if (verdict_.find('\n') == std::string::npos) continue;
        if (verdict_.rfind("OK ", 0) != 0)
          fail(name(), msg_, 1, "sink: " + verdict_.substr(0, verdict_.find('\n')));
        done_ = bytes_;
        return report();
      }
      const long long bad = pat_->check(buf_.data(), static_cast<std::size_t>(k), done_);
      if (bad >= 0) fail(name(), msg_, 1, "wrong byte at offset " + std::to_string(done_ + bad));
      done_ += static_cast<std::uint64_t>(k);
      if (done_ > bytes_) fail(name(), msg_, 1, "more bytes than requested");
      if (done_ == bytes_) return report();
    }
  }
  void on_close(int fd) override {
    if (fd == fd_ && done_ < bytes_)
      fail(name(), msg_, 1, "closed after " + std::to_string(done_) + " bytes");
  }
  void on_error(int fd, int, const char* what) override {
    if (fd == fd_ && done_ < bytes_) fail(name(), msg_, 1, what);
  }

 private:
  void report() {
    const double s = std::chrono::duration<double>(clock::now() - t0_).count();
    const long long c1 = bench::cpu_ns(), s1 = bench::cpu_ns(server_pid_);
    const double mib = bytes_ / 1048576.0;
    bench::json_line j = row(name(), msg_, 1);
    j.field("bytes", static_cast<long long>(bytes_)).field("seconds", s);
    j.value("throughput", mib / s, "MiB/s");
    if (c0_ >= 0 && c1 >= 0) j.value("cpu_client_per_op", (c1 - c0_) / 1e3 / mib, "us/MiB");
    if (server_pid_ > 0 && s0_ >= 0 && s1 >= 0 && c0_ >= 0) {
      j.value("cpu_server_per_op", (s1 - s0_) / 1e3 / mib, "us/MiB");
      j.value("cpu_per_op", (c1 - c0_ + s1 - s0_) / 1e3 / mib, "us/MiB");
    }
    finish(j, 0);
  }

  bool upload_;
  int port_;
  std::size_t msg_;
  std::uint64_t bytes_;
  int server_pid_;
  std::unique_ptr<bench::pattern> pat_;
  std::vector<char> buf_;
  int fd_ = -1;
  std::uint64_t done_ = 0;
  std::string verdict_;
  clock::time_point t0_;
  long long c0_ = -1, s0_ = -1;
};

void on_open(int fd, void*) {
  if (current) current->on_open(fd);
}
void on_message(int fd, void*) {
  if (current) current->on_message(fd);
}
void on_close(int fd, void*) {
  if (current) current->on_close(fd);
}
void on_error(int fd, int err, const char* msg, void*) {
  if (current) current->on_error(fd, err, msg);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s SCENARIO --port P [--key value ...]\n", argv[0]);
    return 2;
  }
  const std::string name = argv[1];
  try {
    bench::args a(argc, argv, 2);
    emscripten_set_socket_open_callback(nullptr, on_open);
    emscripten_set_socket_message_callback(nullptr, on_message);
    emscripten_set_socket_close_callback(nullptr, on_close);
    emscripten_set_socket_error_callback(nullptr, on_error);
    if (name == "tcp_echo") {
      auto s = std::make_unique<tcp_echo>(a);
      auto* p = s.get();
      current = std::move(s);
      p->start();
    } else if (name == "tcp_connect") {
      auto s = std::make_unique<tcp_connect>(a);
      auto* p = s.get();
      current = std::move(s);
      p->start();
    } else if (name == "tcp_download" || name == "tcp_upload") {
      auto s = std::make_unique<tcp_bulk>(a, name == "tcp_upload");
      auto* p = s.get();
      current = std::move(s);
      p->start();
    } else {
      fail(name.c_str(), 0, 1, "unknown scenario (SOCKFS over websockify carries TCP only)");
    }
  } catch (const std::exception& e) {
    fail(name.c_str(), 0, 1, e.what());
  }
  return 0;  // the callbacks carry on; the scenario calls exit()
}
