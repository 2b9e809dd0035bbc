// A small Beast HTTP/1.1 server written against `net`, the networking
// namespace the including program chose. The same code serves natively and,
// compiled to WebAssembly, from inside a browser tab over Direct Sockets.
#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstddef>
#include <string>

namespace http_example {

namespace beast = boost::beast;
namespace http = beast::http;

struct server_stats {
  std::size_t requests = 0;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

inline std::string index_page(const std::string& platform) {
  return "<!doctype html><html><head><title>asio_directsockets</title></head><body>"
         "<h1>Hello from Boost.Beast on asio_directsockets</h1><p>Served by " +
         platform + ".</p><p>Try <a href=\"/api/info\">/api/info</a>.</p></body></html>\n";
}

template <typename Body, typename Allocator>
http::message_generator handle(http::request<Body, http::basic_fields<Allocator>>&& req,
                               server_stats& stats, const std::string& platform) {
  auto respond = [&](http::status status, std::string type, std::string body) {
    http::response<http::string_body> res{status, req.version()};
    res.set(http::field::server, "asio_directsockets http_server");
    res.set(http::field::content_type, type);
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return http::message_generator(std::move(res));
  };
  ++stats.requests;
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return respond(http::status::method_not_allowed, "text/plain", "only GET and HEAD\n");
  const auto target = std::string(req.target());
  if (target == "/" || target == "/index.html")
    return respond(http::status::ok, "text/html", index_page(platform));
  if (target == "/api/info") {
    auto up = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - stats.started)
                  .count();
    return respond(http::status::ok, "application/json",
                   "{\"server\":\"asio_directsockets\",\"platform\":\"" + platform +
                       "\",\"requests\":" + std::to_string(stats.requests) +
                       ",\"uptime_ms\":" + std::to_string(up) + "}\n");
  }
  return respond(http::status::not_found, "text/plain", "not found: " + target + "\n");
}

// One connection: read requests until the client closes or stops keeping alive.
template <typename Socket>
net::awaitable<void> session(Socket socket, server_stats& stats, std::string platform) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> req;
    auto [ec, n] = co_await http::async_read(socket, buffer, req, net::as_tuple(net::use_awaitable));
    if (ec) break;  // end_of_stream, reset, or a malformed request
    const bool keep_alive = req.keep_alive();
    auto [wec, wn] = co_await beast::async_write(socket, handle(std::move(req), stats, platform),
                                                 net::as_tuple(net::use_awaitable));
    if (wec || !keep_alive) break;
  }
  boost::system::error_code ignored;
  socket.shutdown(net::socket_base::shutdown_send, ignored);
  socket.close(ignored);
}

// Accepts connections forever, or until max_connections have been accepted.
template <typename Acceptor>
net::awaitable<void> serve(Acceptor& acceptor, server_stats& stats, std::string platform,
                           std::size_t max_connections = 0) {
  for (std::size_t accepted = 0; max_connections == 0 || accepted < max_connections; ++accepted) {
    auto [ec, socket] = co_await acceptor.async_accept(net::as_tuple(net::use_awaitable));
    if (ec) co_return;
    net::co_spawn(acceptor.get_executor(), session(std::move(socket), stats, platform),
                  net::detached);
  }
}

}  // namespace http_example
