// The server side of every native benchmark, written once against `net` and
// built twice (bench_server_stock, bench_server_ours). One single-threaded
// io_context on 127.0.0.1 serves one role (or all of them):
//   tcp_echo   per session: async_read_some into 64 KiB, async_write it back
//              (TCP_NODELAY), as the baselines' echo server does;
//   tcp_close  accepts and closes at once (connection setup rate);
//   tcp_close_on_byte  accepts, reads one byte, then closes: connection setup
//              for browser clients, whose `opened` promise Chromium rejects
//              when the peer has already closed (tcp_connect --send-byte 1);
//   tcp_idle   greets with one byte, then keeps one 64-byte read pending;
//   tcp_sink   a slow reader: 4 KiB per millisecond;
//   udp_echo   async_receive_from, then async_send_to back to the sender;
//   tcp_verify a verifying sink for tcp_upload: an 8-byte length, then that
//              many bytes of bench::pattern, each checked; answers "OK <n>\n"
//              once all arrived or "BAD <offset>\n" at the first wrong byte;
//   tcp_source the source for tcp_download: an 8-byte length, answered with
//              that many bytes of bench::pattern.
// One role per process matters for the poll reactor: every descriptor with a
// pending operation is in every poll(2) call, so idle listeners of other
// roles would tax the one being measured (epoll does not see them).
// Prints {"impl":..,"pid":..,"ports":{role: port}} on stdout, then serves
// until killed or --max-seconds (default 1800) have passed.
//   bench_server [--role ROLE|all] [--max-seconds S]
#include "common/args.hpp"
#include "common/json_line.hpp"
#include "common/net_select.hpp"
#include "common/pattern.hpp"
#include "common/proc_stats.hpp"

#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

using boost::system::error_code;
using net::ip::tcp;
using net::ip::udp;

class echo_session : public std::enable_shared_from_this<echo_session> {
 public:
  explicit echo_session(tcp::socket s) : sock_(std::move(s)) {}
  void start() {
    error_code ec;
    sock_.set_option(tcp::no_delay(true), ec);
    read();
  }

 private:
  void read() {
    sock_.async_read_some(net::buffer(buf_),
                          [self = shared_from_this()](error_code ec, std::size_t n) {
                            if (ec) return;
                            net::async_write(self->sock_, net::buffer(self->buf_.data(), n),
                                             [self](error_code ec, std::size_t) {
                                               if (!ec) self->read();
                                             });
                          });
  }
  tcp::socket sock_;
  std::array<char, 65536> buf_;
};

class idle_session : public std::enable_shared_from_this<idle_session> {
 public:
  explicit idle_session(tcp::socket s) : sock_(std::move(s)) {}
  void start() {
    net::async_write(sock_, net::buffer("!", 1),
                     [self = shared_from_this()](error_code ec, std::size_t) {
                       if (!ec) self->wait();
                     });
  }

 private:
  void wait() {
    sock_.async_read_some(net::buffer(buf_),
                          [self = shared_from_this()](error_code ec, std::size_t) {
                            if (!ec) self->wait();  // idle peers send nothing; eof ends the session
                          });
  }
  tcp::socket sock_;
  std::array<char, 64> buf_;
};

class sink_session : public std::enable_shared_from_this<sink_session> {
 public:
  explicit sink_session(tcp::socket s) : sock_(std::move(s)), pause_(sock_.get_executor()) {}
  void start() { read(); }

 private:
  void read() {
    sock_.async_read_some(net::buffer(buf_),
                          [self = shared_from_this()](error_code ec, std::size_t) {
                            if (ec) return;
                            self->pause_.expires_after(std::chrono::milliseconds(1));
                            self->pause_.async_wait([self](error_code) { self->read(); });
                          });
  }
  tcp::socket sock_;
  net::steady_timer pause_;
  std::array<char, 4096> buf_;
};

const bench::pattern& the_pattern() {
  static const auto p = std::make_unique<bench::pattern>();
  return *p;
}

std::uint64_t length_of(const std::array<unsigned char, 8>& h) {
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i)
    n = (n << 8) | h[static_cast<std::size_t>(i)];
  return n;
}

class verify_session : public std::enable_shared_from_this<verify_session> {
 public:
  explicit verify_session(tcp::socket s) : sock_(std::move(s)), buf_(1 << 18) {}
  void start() {
    net::async_read(sock_, net::buffer(header_),
                    [self = shared_from_this()](error_code ec, std::size_t) {
                      if (ec) return;
                      self->expected_ = length_of(self->header_);
                      self->read();
                    });
  }

 private:
  void read() {
    sock_.async_read_some(
        net::buffer(buf_), [self = shared_from_this()](error_code ec, std::size_t n) {
          if (ec) return;  // the client closes after the verdict
          if (self->answered_) return self->read();
          const long long bad = the_pattern().check(self->buf_.data(), n, self->received_);
          if (bad >= 0) return self->answer("BAD " + std::to_string(self->received_ + bad));
          self->received_ += n;
          if (self->received_ > self->expected_)
            return self->answer("BAD " + std::to_string(self->expected_));
          if (self->received_ == self->expected_)
            return self->answer("OK " + std::to_string(self->received_));
          self->read();
        });
  }
  void answer(std::string verdict) {
    answered_ = true;
    reply_ = std::move(verdict) + "\n";
    net::async_write(sock_, net::buffer(reply_),
                     [self = shared_from_this()](error_code ec, std::size_t) {
                       if (!ec) self->read();  // on until the client closes
                     });
  }
  tcp::socket sock_;
  std::array<unsigned char, 8> header_{};
  std::vector<char> buf_;
  std::uint64_t expected_ = 0, received_ = 0;
  bool answered_ = false;
  std::string reply_;
};

class source_session : public std::enable_shared_from_this<source_session> {
 public:
  explicit source_session(tcp::socket s) : sock_(std::move(s)), buf_(1 << 18) {}
  void start() {
    net::async_read(sock_, net::buffer(header_),
                    [self = shared_from_this()](error_code ec, std::size_t) {
                      if (ec) return;
                      self->total_ = length_of(self->header_);
                      self->write();
                    });
  }

 private:
  void write() {
    if (sent_ == total_) {
      // Wait for the client's close; closing first could reset unread data.
      sock_.async_read_some(net::buffer(buf_),
                            [self = shared_from_this()](error_code ec, std::size_t) {
                              if (!ec) self->write();
                            });
      return;
    }
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(buf_.size(), total_ - sent_));
    the_pattern().fill(buf_.data(), n, sent_);
    net::async_write(sock_, net::buffer(buf_.data(), n),
                     [self = shared_from_this()](error_code ec, std::size_t k) {
                       if (ec) return;
                       self->sent_ += k;
                       self->write();
                     });
  }
  tcp::socket sock_;
  std::array<unsigned char, 8> header_{};
  std::vector<char> buf_;
  std::uint64_t total_ = 0, sent_ = 0;
};

template <typename Session>
void accept_loop(tcp::acceptor& acc) {
  acc.async_accept([&acc](error_code ec, tcp::socket s) {
    if (!ec) std::make_shared<Session>(std::move(s))->start();
    accept_loop<Session>(acc);
  });
}

class close_on_byte_session : public std::enable_shared_from_this<close_on_byte_session> {
 public:
  explicit close_on_byte_session(tcp::socket s) : sock_(std::move(s)) {}
  void start() {
    // The socket closes when the last reference goes, after the byte (or an error).
    sock_.async_read_some(net::buffer(byte_),
                          [self = shared_from_this()](error_code, std::size_t) {});
  }

 private:
  tcp::socket sock_;
  char byte_[1];
};

void close_loop(tcp::acceptor& acc) {
  acc.async_accept([&acc](error_code, tcp::socket) {
    // The accepted socket closes here, when it goes out of scope.
    close_loop(acc);
  });
}

class udp_echo {
 public:
  explicit udp_echo(udp::socket& s) : sock_(s) {}
  void start() {
    sock_.async_receive_from(net::buffer(buf_), from_, [this](error_code ec, std::size_t n) {
      if (ec) return;
      sock_.async_send_to(net::buffer(buf_.data(), n), from_,
                          [this](error_code, std::size_t) { start(); });
    });
  }

 private:
  udp::socket& sock_;
  udp::endpoint from_;
  std::array<char, 65536> buf_;
};

tcp::acceptor listen_on(net::io_context& io) {
  tcp::acceptor acc(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  acc.listen(4096);
  return acc;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    bench::args a(argc, argv, 1);
    const std::string role = a.text("role", "all");
    const double max_seconds = a.number("max-seconds", 1800);
    a.check_all_used();
    bench::raise_fd_limit();
    const auto serves = [&](const char* r) { return role == "all" || role == r; };

    net::io_context io;
    std::optional<tcp::acceptor> echo, closer, idle, sink;
    std::optional<udp::socket> dgram;
    std::optional<udp_echo> uecho;
    bench::json_line ports;
    if (serves("tcp_echo")) {
      echo.emplace(listen_on(io));
      ports.field("tcp_echo", static_cast<int>(echo->local_endpoint().port()));
      accept_loop<echo_session>(*echo);
    }
    if (serves("tcp_close")) {
      closer.emplace(listen_on(io));
      ports.field("tcp_close", static_cast<int>(closer->local_endpoint().port()));
      close_loop(*closer);
    }
    std::optional<tcp::acceptor> closer_on_byte;
    if (serves("tcp_close_on_byte")) {
      closer_on_byte.emplace(listen_on(io));
      ports.field("tcp_close_on_byte", static_cast<int>(closer_on_byte->local_endpoint().port()));
      accept_loop<close_on_byte_session>(*closer_on_byte);
    }
    if (serves("tcp_idle")) {
      idle.emplace(listen_on(io));
      ports.field("tcp_idle", static_cast<int>(idle->local_endpoint().port()));
      accept_loop<idle_session>(*idle);
    }
    if (serves("tcp_sink")) {
      sink.emplace(listen_on(io));
      ports.field("tcp_sink", static_cast<int>(sink->local_endpoint().port()));
      accept_loop<sink_session>(*sink);
    }
    std::optional<tcp::acceptor> verify, source;
    if (serves("tcp_verify")) {
      verify.emplace(listen_on(io));
      ports.field("tcp_verify", static_cast<int>(verify->local_endpoint().port()));
      accept_loop<verify_session>(*verify);
    }
    if (serves("tcp_source")) {
      source.emplace(listen_on(io));
      ports.field("tcp_source", static_cast<int>(source->local_endpoint().port()));
      accept_loop<source_session>(*source);
    }
    if (serves("udp_echo")) {
      dgram.emplace(io, udp::endpoint(net::ip::make_address("127.0.0.1"), 0));
      ports.field("udp_echo", static_cast<int>(dgram->local_endpoint().port()));
      uecho.emplace(*dgram).start();
    }
    if (ports.str() == "{}") throw std::invalid_argument("unknown --role " + role);
    std::printf("{\"impl\":\"%s\",\"platform\":\"%s\",\"pid\":%d,\"ports\":%s}\n", bench::impl_name,
                bench::platform_name, static_cast<int>(getpid()), ports.str().c_str());
    std::fflush(stdout);

    net::steady_timer limit(io, std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                    std::chrono::duration<double>(max_seconds)));
    limit.async_wait([&io](error_code) { io.stop(); });
    io.run();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_server: %s\n", e.what());
    return 1;
  }
}
