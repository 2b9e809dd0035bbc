// The HTTP benchmark's load generator (bench/http_runner.py): a native client on stock
// Boost.Asio, one single-threaded io_context, against any HTTP/1.1 server on 127.0.0.1. One run
// = one measurement = one JSON row on stdout (docs/benchmarks.md#json-rows).
//
//   http_load SCENARIO --port P [--conns N] [--keepalive 1|0] [--path /api/info]
//             [--secs S] [--warm W] [--expect-bytes N] [--timeout S] [--server-pids P1,P2,...]
//
//   http_rr        N connections, each sending GET --path back to back for --warm + --secs
//                  seconds. Keep-alive: one connection reused; --keepalive 0: every request
//                  says `Connection: close`, the client reads the response by its
//                  Content-Length, closes and connects again (the connect is part of the
//                  request's time). Requests/s completed in the counted window, p50/p99 of the
//                  request time.
//   http_accept    N connections opened at once, each sends one `Connection: close` GET and
//                  reads the response: the time until every one got its answer, and N / that
//                  time (accepts/s).
//   http_download  like http_rr with keep-alive on one connection for GET /big.bin: MiB/s of
//                  body bytes received in the window; every response's Content-Length must be
//                  --expect-bytes and exactly that many body bytes must arrive.
//
// A request fails when its connect, write or read fails, the connection ends before the whole
// response, the status is not 200, the response has no Content-Length (or not the expected
// one), or it takes longer than --timeout. Failures are counted ("failed", from the start to the
// end of the window, warm-up included) and the connection starts over after 5 ms; the row keeps
// the first few distinct reasons. CPU: this process (getrusage) and the sum over --server-pids
// (/proc/PID/task/*/schedstat: for a server in a browser, all of the browser's processes).
#include "common/args.hpp"
#include "common/json_line.hpp"
#include "common/latency.hpp"
#include "common/net_select.hpp"
#include "common/proc_stats.hpp"
#include "common/row.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#if defined(ASIO_DS_BENCH_OURS)
#error "the HTTP load generator is built on stock Boost.Asio only"
#endif

namespace {

using bench::clock;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

struct load {
  net::io_context io;
  tcp::endpoint ep;
  std::string request;
  bool keepalive = true;
  bool one_shot = false;  // http_accept: one request per connection
  long long expect_bytes = -1;
  std::size_t buffer_size = 16 * 1024;
  clock::duration timeout{};

  bool measuring = false;
  bool stopping = false;
  long long completed = 0;   // in the window (one_shot: all)
  long long failed = 0;      // from the start until the window closed
  long long body_bytes = 0;  // in the window
  long long finished = 0;    // one_shot: connections done (answered or failed)
  long long connected = 0;   // one_shot: connects completed
  clock::time_point all_connected{};
  bench::latency_samples lat;
  std::vector<std::string> reasons;
  std::function<void()> on_all_finished;

  void note(const std::string& why) {
    ++failed;
    if (reasons.size() < 4 && std::find(reasons.begin(), reasons.end(), why) == reasons.end())
      reasons.push_back(why);
  }
};

bool iequals_prefix(const char* p, const char* end, const char* name) {
  const std::size_t n = std::strlen(name);
  if (static_cast<std::size_t>(end - p) < n) return false;
  for (std::size_t i = 0; i < n; ++i)
    if (std::tolower(static_cast<unsigned char>(p[i])) != name[i]) return false;
  return true;
}

class client {
 public:
  client(load& l, std::size_t n) : l_(l), sock_(l.io), backoff_(l.io), buf_(l.buffer_size), n_(n) {}

  void start() {
    if (l_.stopping) return;
    t0_ = clock::now();
    busy_ = true;
    if (open_) return send();
    sock_.async_connect(l_.ep, [this](error_code ec) {
      if (ec) return fail("connect", ec);
      open_ = true;
      error_code ignored;
      sock_.set_option(tcp::no_delay(true), ignored);
      if (l_.one_shot && ++l_.connected == static_cast<long long>(n_))
        l_.all_connected = clock::now();
      send();
    });
  }

  void stop() {
    error_code ignored;
    backoff_.cancel();
    sock_.close(ignored);
  }

  // The watchdog's check: a request older than the timeout is failed by closing its socket.
  void check(clock::time_point now) {
    if (busy_ && !timed_out_ && now - t0_ > l_.timeout) {
      timed_out_ = true;
      error_code ignored;
      sock_.close(ignored);
    }
  }

 private:
  void send() {
    net::async_write(sock_, net::buffer(l_.request), [this](error_code ec, std::size_t) {
      if (ec) return fail("write", ec);
      have_ = 0;
      read_head();
    });
  }

  void read_head() {
    sock_.async_read_some(net::buffer(buf_.data() + have_, buf_.size() - have_),
                          [this](error_code ec, std::size_t n) {
      if (ec) return fail(have_ ? "read (in the response head)" : "read (no response)", ec);
      const std::size_t from = have_ > 3 ? have_ - 3 : 0;
      have_ += n;
      static const char crlf2[] = "\r\n\r\n";
      const char* b = buf_.data();
      const char* e = std::search(b + from, b + have_, crlf2, crlf2 + 4);
      if (e == b + have_) {
        if (have_ == buf_.size()) return fail("response head too long");
        return read_head();
      }
      const std::size_t head = static_cast<std::size_t>(e - b) + 4;
      if (!parse_head(b, b + head)) return fail("malformed response head");
      const long long here = static_cast<long long>(have_ - head);
      if (here > length_) return fail("bytes after the response");
      left_ = length_ - here;
      if (l_.measuring) l_.body_bytes += here;
      if (left_ == 0) return finish();
      read_body();
    });
  }

  void read_body() {
    sock_.async_read_some(net::buffer(buf_), [this](error_code ec, std::size_t n) {
      if (ec) return fail("read (in the body)", ec);
      if (static_cast<long long>(n) > left_) return fail("bytes after the response");
      left_ -= static_cast<long long>(n);
      if (l_.measuring) l_.body_bytes += static_cast<long long>(n);
      if (left_ == 0) return finish();
      read_body();
    });
  }

  // Status, Content-Length, Connection: close.
  bool parse_head(const char* p, const char* end) {
    if (end - p < 12 || std::memcmp(p, "HTTP/1.", 7) != 0) return false;
    status_ = std::atoi(std::string(p + 9, 3).c_str());
    length_ = -1;
    server_close_ = false;
    const char* line = std::find(p, end, '\n') + 1;
    while (line < end) {
      const char* eol = std::find(line, end, '\n');
      if (iequals_prefix(line, eol, "content-length:")) {
        length_ = std::atoll(std::string(line + 15, eol).c_str());
      } else if (iequals_prefix(line, eol, "connection:")) {
        std::string v(line + 11, eol);
        std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
        server_close_ = v.find("close") != std::string::npos;
      }
      line = eol + 1;
    }
    return true;
  }

  void finish() {
    if (status_ != 200) return fail("status " + std::to_string(status_));
    if (length_ < 0) return fail("no Content-Length");
    if (l_.expect_bytes >= 0 && length_ != l_.expect_bytes)
      return fail("Content-Length " + std::to_string(length_) + ", expected " +
                  std::to_string(l_.expect_bytes));
    busy_ = false;
    if (l_.measuring || l_.one_shot) {
      ++l_.completed;
      l_.lat.add(clock::now() - t0_);
    }
    if (l_.one_shot) {
      close();
      return done_one();
    }
    if (!l_.keepalive || server_close_) close();
    start();
  }

  void fail(const std::string& what, error_code ec = {}) {
    busy_ = false;
    close();
    if (l_.stopping) return;  // the window closed: cancelled, not failed
    l_.note(timed_out_ ? "timeout" : ec ? what + ": " + ec.message() : what);
    timed_out_ = false;
    if (l_.one_shot) return done_one();
    backoff_.expires_after(std::chrono::milliseconds(5));
    backoff_.async_wait([this](error_code ec) {
      if (!ec) start();
    });
  }

  void close() {
    error_code ignored;
    sock_.close(ignored);
    open_ = false;
  }

  void done_one() {
    if (++l_.finished == static_cast<long long>(n_) && l_.on_all_finished) l_.on_all_finished();
  }

  load& l_;
  tcp::socket sock_;
  net::steady_timer backoff_;
  std::vector<char> buf_;
  std::size_t n_;  // connections in all (one_shot bookkeeping)
  std::size_t have_ = 0;
  long long length_ = -1, left_ = 0;
  int status_ = 0;
  bool server_close_ = false, open_ = false, busy_ = false, timed_out_ = false;
  clock::time_point t0_;
};

std::vector<int> parse_pids(const std::string& s) {
  std::vector<int> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(std::stoi(item));
  return out;
}

// CPU ns of a set of processes (those that can be read); -1 when none can.
long long cpu_ns_of(const std::vector<int>& pids) {
  long long total = 0;
  bool any = false;
  for (int pid : pids) {
    const long long ns = bench::cpu_ns(pid);
    if (ns < 0) continue;
    total += ns;
    any = true;
  }
  return any ? total : -1;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (auto& s : v) out += (out.empty() ? "" : "; ") + s;
  return out;
}

int run(const std::string& scenario, bench::args& a) {
  const bool accept = scenario == "http_accept", download = scenario == "http_download";
  if (!accept && !download && scenario != "http_rr") {
    std::fprintf(stderr, "unknown scenario %s\n", scenario.c_str());
    return 2;
  }
  load l;
  const auto port = static_cast<unsigned short>(a.integer("port", 0));
  const long long conns = a.integer("conns", accept ? 2000 : 1);
  l.keepalive = !accept && a.integer("keepalive", 1) != 0;
  const std::string path = a.text("path", download ? "/big.bin" : "/api/info");
  const double secs = a.number("secs", 1.0), warm = a.number("warm", 0.3);
  l.expect_bytes = a.integer("expect-bytes", download ? 10 << 20 : -1);
  const double timeout_s = a.number("timeout", accept ? 30 : 10);
  const std::vector<int> server_pids = parse_pids(a.text("server-pids", ""));
  a.check_all_used();

  l.ep = tcp::endpoint(net::ip::make_address("127.0.0.1"), port);
  l.one_shot = accept;
  l.buffer_size = download ? 256 * 1024 : 16 * 1024;
  l.timeout = std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(timeout_s));
  l.request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
              "\r\nUser-Agent: asio_directsockets-http_load\r\n" +
              (l.keepalive ? "" : "Connection: close\r\n") + "\r\n";

  std::vector<std::unique_ptr<client>> cs;
  for (long long i = 0; i < conns; ++i)
    cs.push_back(std::make_unique<client>(l, static_cast<std::size_t>(conns)));

  // A watchdog for request timeouts, 10 times a second.
  net::steady_timer watchdog(l.io);
  std::function<void()> watch = [&] {
    watchdog.expires_after(std::chrono::milliseconds(100));
    watchdog.async_wait([&](error_code ec) {
      if (ec || l.stopping) return;
      const auto now = clock::now();
      for (auto& c : cs)
        c->check(now);
      watch();
    });
  };

  long long client0 = 0, client1 = 0, server0 = -1, server1 = -1;
  clock::time_point t0, t1;
  const auto stop_all = [&] {
    l.measuring = false;
    l.stopping = true;
    t1 = clock::now();
    client1 = bench::cpu_ns();
    server1 = cpu_ns_of(server_pids);
    watchdog.cancel();
    for (auto& c : cs)
      c->stop();
  };

  net::steady_timer window(l.io);
  if (accept) {
    client0 = bench::cpu_ns();
    server0 = cpu_ns_of(server_pids);
    l.on_all_finished = stop_all;
    t0 = clock::now();
  } else {
    window.expires_after(std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(warm)));
    window.async_wait([&](error_code) {
      client0 = bench::cpu_ns();
      server0 = cpu_ns_of(server_pids);
      l.measuring = true;
      t0 = clock::now();
      window.expires_after(std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(secs)));
      window.async_wait([&](error_code) { stop_all(); });
    });
  }
  for (auto& c : cs)
    c->start();
  watch();
  l.io.run();

  const double s = std::chrono::duration<double>(t1 - t0).count();
  bench::json_line j;
  j.field("schema", bench::schema_version)
      .field("impl", bench::impl_name)
      .field("platform", bench::platform_name)
      .field("scenario", scenario.c_str())
      .field("msg", download ? l.expect_bytes : 0LL)
      .field("conns", conns)
      .field("keepalive", l.keepalive ? 1 : 0)
      .field("path", path)
      .field("seconds", s)
      .field("failed", l.failed);
  if (!l.reasons.empty()) j.field("fail_reasons", joined(l.reasons));
  if (l.completed == 0 && l.failed > 0) {  // the server did not serve at all
    j.field("error", "no request completed: " + joined(l.reasons));
    j.print();
    return 1;
  }
  // (No request completed and none failed: a stall longer than the window, measured as 0.)
  const double ops = download ? static_cast<double>(l.body_bytes) / (1 << 20)
                              : static_cast<double>(l.completed);
  if (download) {
    j.value("throughput", ops / s, "MiB/s")
        .value("downloads", static_cast<double>(l.completed), "downloads");
  } else if (accept) {
    j.value("rate", l.completed / s, "accepts/s")
        .value("all_answered_s", s, "s")
        .value("all_connected_s",
               l.all_connected == clock::time_point{}
                   ? -1.0
                   : std::chrono::duration<double>(l.all_connected - t0).count(), "s");
  } else {
    j.value("rate", l.completed / s, "requests/s");
  }
  if (l.lat.count() > 0)
    j.value("p50", l.lat.percentile(0.50), "us").value("p99", l.lat.percentile(0.99), "us");
  j.value("failed", static_cast<double>(l.failed), "requests");
  const char* per = download ? "us/MiB" : "us";
  if (client1 >= client0 && ops > 0) j.value("cpu_client_per_op", (client1 - client0) / 1e3 / ops, per);
  if (server0 >= 0 && server1 >= server0 && ops > 0)
    j.value("cpu_server_per_op", (server1 - server0) / 1e3 / ops, per);
  j.print();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s SCENARIO --port P [--key value ...]\n", argv[0]);
    return 2;
  }
  const std::string scenario = argv[1];
  bench::raise_fd_limit();
  try {
    bench::args a(argc, argv, 2);
    return run(scenario, a);
  } catch (const std::exception& e) {
    bench::json_line j;
    j.field("schema", bench::schema_version)
        .field("impl", bench::impl_name)
        .field("platform", bench::platform_name)
        .field("scenario", scenario)
        .field("error", e.what())
        .print();
    return 1;
  }
}
