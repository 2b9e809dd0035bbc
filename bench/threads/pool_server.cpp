// The thread-pool benchmark's server (bench/threads_runner.py), written once against `net` and
// built twice (pool_server_stock, pool_server_ours) like bench_server. One io_context, run by
// --threads N threads all calling ioc.run() (the Boost.Asio / Beast thread-pool pattern: the
// main thread plus N - 1 more), every session on its own strand (net::make_strand(ioc)).
//   http   a Beast HTTP/1.1 server in the style of Beast's advanced and async server examples:
//          a listener accepting onto a new strand per connection, beast::tcp_stream with a 30 s
//          timeout per operation, http::async_read of a request, a response by
//          http::message_generator and beast::async_write. GET /api/info answers a small JSON
//          document; keep-alive is honoured, and so is `Connection: close` (the server then
//          shuts its side down after the response). Anything else: 404 or 400.
//   echo   per session: async_read_some into 64 KiB, async_write it back (TCP_NODELAY), as
//          bench_server's tcp_echo, but on a strand.
// One role per process by default as in bench_server (with poll(2) an idle listener of the
// other role would be in every poll call); --role all serves both.
// Prints {"impl":..,"platform":..,"pid":..,"threads":N,"ports":{role: port}} on stdout, then
// serves until killed or --max-seconds (default 1800) have passed.
//   pool_server [--threads N] [--role http|echo|all] [--max-seconds S]
#include "common/args.hpp"
#include "common/json_line.hpp"
#include "common/net_select.hpp"
#include "common/proc_stats.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

int g_threads = 1;  // for the JSON body

// The response to one request, as Beast's examples build it.
template <class Body, class Allocator>
http::message_generator handle_request(http::request<Body, http::basic_fields<Allocator>>&& req,
                                       std::size_t served) {
  const auto text = [&req](http::status status, const char* type, std::string body) {
    http::response<http::string_body> res{status, req.version()};
    res.set(http::field::server, "asio_directsockets bench pool_server");
    res.set(http::field::content_type, type);
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return http::message_generator(std::move(res));
  };
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return text(http::status::bad_request, "text/plain", "only GET and HEAD\n");
  if (req.target() != "/api/info")
    return text(http::status::not_found, "text/plain", "not found\n");
  return text(http::status::ok, "application/json",
              std::string("{\"server\":\"pool_server\",\"impl\":\"") + bench::impl_name +
                  "\",\"threads\":" + std::to_string(g_threads) +
                  ",\"served_on_this_connection\":" + std::to_string(served) + "}\n");
}

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  explicit http_session(tcp::socket&& socket) : stream_(std::move(socket)) {}

  void run() {
    beast::error_code ignored;
    stream_.socket().set_option(tcp::no_delay(true), ignored);
    // Start on the session's strand (the socket's executor), as Beast's examples do.
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&http_session::do_read, shared_from_this()));
  }

 private:
  void do_read() {
    req_ = {};
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(stream_, buffer_, req_,
                     beast::bind_front_handler(&http_session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return do_close();
    if (ec) return;  // reset, timeout, malformed request
    send_response(handle_request(std::move(req_), ++served_));
  }

  void send_response(http::message_generator&& msg) {
    const bool keep_alive = msg.keep_alive();
    beast::async_write(
        stream_, std::move(msg),
        beast::bind_front_handler(&http_session::on_write, shared_from_this(), keep_alive));
  }

  void on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    if (ec) return;
    if (!keep_alive) return do_close();  // the request said `Connection: close`
    do_read();
  }

  void do_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  std::size_t served_ = 0;
};

class echo_session : public std::enable_shared_from_this<echo_session> {
 public:
  explicit echo_session(tcp::socket&& s) : sock_(std::move(s)) {}

  void run() {
    boost::system::error_code ignored;
    sock_.set_option(tcp::no_delay(true), ignored);
    net::dispatch(sock_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

 private:
  void read() {
    sock_.async_read_some(net::buffer(buf_),
                          [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                            if (ec) return;
                            net::async_write(self->sock_, net::buffer(self->buf_.data(), n),
                                             [self](boost::system::error_code ec, std::size_t) {
                                               if (!ec) self->read();
                                             });
                          });
  }

  tcp::socket sock_;  // its executor is the session's strand
  std::array<char, 65536> buf_;
};

// Accepts connections, each onto a strand of its own (Beast's advanced server's listener).
template <class Session>
class listener : public std::enable_shared_from_this<listener<Session>> {
 public:
  listener(net::io_context& ioc, const tcp::endpoint& endpoint)
      : ioc_(ioc), acceptor_(net::make_strand(ioc)) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(4096);
  }

  unsigned short port() const { return acceptor_.local_endpoint().port(); }

  void run() {
    net::dispatch(acceptor_.get_executor(),
                  beast::bind_front_handler(&listener::do_accept, this->shared_from_this()));
  }

 private:
  void do_accept() {
    acceptor_.async_accept(
        net::make_strand(ioc_),
        beast::bind_front_handler(&listener::on_accept, this->shared_from_this()));
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (!ec) std::make_shared<Session>(std::move(socket))->run();
    do_accept();
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
};

}  // namespace

int main(int argc, char** argv) {
  try {
    bench::args a(argc, argv, 1);
    const int threads = static_cast<int>(a.integer("threads", 1));
    const std::string role = a.text("role", "all");
    const double max_seconds = a.number("max-seconds", 1800);
    a.check_all_used();
    if (threads < 1) throw std::invalid_argument("--threads must be at least 1");
    if (role != "all" && role != "http" && role != "echo")
      throw std::invalid_argument("unknown --role " + role);
    g_threads = threads;
    bench::raise_fd_limit();

    net::io_context ioc{threads};  // the concurrency hint, as Beast's examples pass it
    const tcp::endpoint any(net::ip::make_address("127.0.0.1"), 0);
    bench::json_line ports;
    if (role == "all" || role == "http") {
      auto l = std::make_shared<listener<http_session>>(ioc, any);
      ports.field("http", static_cast<int>(l->port()));
      l->run();
    }
    if (role == "all" || role == "echo") {
      auto l = std::make_shared<listener<echo_session>>(ioc, any);
      ports.field("echo", static_cast<int>(l->port()));
      l->run();
    }
    std::printf("{\"impl\":\"%s\",\"platform\":\"%s\",\"pid\":%d,\"threads\":%d,\"ports\":%s}\n",
                bench::impl_name, bench::platform_name, static_cast<int>(getpid()), threads,
                ports.str().c_str());
    std::fflush(stdout);

    net::steady_timer limit(ioc, std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                     std::chrono::duration<double>(max_seconds)));
    limit.async_wait([&ioc](boost::system::error_code) { ioc.stop(); });

    std::vector<std::thread> pool;
    pool.reserve(static_cast<std::size_t>(threads - 1));
    for (int i = threads - 1; i > 0; --i)
      pool.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
    for (auto& t : pool)
      t.join();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pool_server: %s\n", e.what());
    return 1;
  }
}
