// A Beast HTTP/1.1 server: files from a document root, and a small JSON API.
//
// It is written as a plain Boost.Asio + Beast program; the namespace alias is
// the only line that names asio_directsockets. Natively it listens on a
// POSIX socket. Compiled with em++ it listens *inside a browser tab* with
// Direct Sockets' TCPServerSocket, and a client on the host (curl, a browser)
// fetches from it.
//
//   http_server <address> <port> <doc_root>
//
//   GET /api/info     JSON: where the server runs, requests served, uptime
//   GET /<path>       the file <doc_root>/<path> (index.html for /)
#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

namespace net = asio_directsockets;  // was: namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

#if defined(__EMSCRIPTEN__)
constexpr const char* platform = "WebAssembly in a browser, Direct Sockets";
#else
constexpr const char* platform = "native, poll(2)";
#endif

struct server_state {
  std::string doc_root;
  std::size_t requests = 0;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

std::string mime_type(const std::string& path) {
  const auto dot = path.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : path.substr(dot);
  if (ext == ".html") return "text/html";
  if (ext == ".css") return "text/css";
  if (ext == ".js") return "application/javascript";
  if (ext == ".json") return "application/json";
  if (ext == ".png") return "image/png";
  return "application/octet-stream";
}

template <typename Body>
http::message_generator handle(const http::request<Body>& req, server_state& state) {
  auto text = [&](http::status status, std::string type, std::string body) {
    http::response<http::string_body> res{status, req.version()};
    res.set(http::field::server, "asio_directsockets example http_server");
    res.set(http::field::content_type, type);
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return http::message_generator(std::move(res));
  };
  ++state.requests;
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return text(http::status::method_not_allowed, "text/plain", "only GET and HEAD\n");

  std::string target(req.target());
  if (target == "/api/info") {
    const auto uptime = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - state.started);
    return text(http::status::ok, "application/json",
                std::string("{\"server\":\"asio_directsockets\",\"platform\":\"") + platform +
                    "\",\"requests\":" + std::to_string(state.requests) +
                    ",\"uptime_ms\":" + std::to_string(uptime.count()) + "}\n");
  }
  // Files: no "..", no query; "/" means index.html.
  target = target.substr(0, target.find('?'));
  if (target.empty() || target[0] != '/' || target.find("..") != std::string::npos)
    return text(http::status::bad_request, "text/plain", "bad path\n");
  if (target.back() == '/') target += "index.html";
  const std::string path = state.doc_root + target;
  http::file_body::value_type file;
  beast::error_code ec;
  file.open(path.c_str(), beast::file_mode::scan, ec);
  if (ec) return text(http::status::not_found, "text/plain", "not found: " + target + "\n");
  http::response<http::file_body> res{http::status::ok, req.version()};
  res.set(http::field::server, "asio_directsockets example http_server");
  res.set(http::field::content_type, mime_type(path));
  res.keep_alive(req.keep_alive());
  res.body() = std::move(file);
  res.prepare_payload();
  return http::message_generator(std::move(res));
}

net::awaitable<void> session(beast::tcp_stream stream, server_state& state) {
  beast::flat_buffer buffer;
  for (;;) {
    stream.expires_after(std::chrono::seconds(30));
    http::request<http::string_body> req;
    auto [ec, n] =
        co_await http::async_read(stream, buffer, req, net::as_tuple(net::use_awaitable));
    if (ec) break;  // the client closed, timed out, or sent something malformed
    const bool keep_alive = req.keep_alive();
    auto [wec, wn] =
        co_await beast::async_write(stream, handle(req, state), net::as_tuple(net::use_awaitable));
    if (wec || !keep_alive) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> listen(tcp::endpoint endpoint, server_state& state) {
  auto executor = co_await net::this_coro::executor;
  tcp::acceptor acceptor(executor, endpoint);
  std::cout << "{\"listening\":\"" << acceptor.local_endpoint() << "\"}" << std::endl;
  for (;;) {
    tcp::socket socket = co_await acceptor.async_accept(net::use_awaitable);
    net::co_spawn(executor, session(beast::tcp_stream(std::move(socket)), state), net::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: http_server <address> <port> <doc_root>\n";
    return EXIT_FAILURE;
  }
  try {
    net::io_context ioc;
    server_state state{argv[3]};
    const tcp::endpoint endpoint(net::ip::make_address(argv[1]),
                                 static_cast<unsigned short>(std::atoi(argv[2])));
    net::co_spawn(ioc, listen(endpoint, state), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    ioc.run();
  } catch (const std::exception& e) {
    std::cerr << "http_server: " << e.what() << "\n";
    return EXIT_FAILURE;
  }
}
