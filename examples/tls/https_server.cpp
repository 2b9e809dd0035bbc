// A Beast HTTPS server: files from a document root, and generated downloads of any size.
//
// A plain Boost.Asio + Beast program (ssl_stream<tcp_stream>, coroutines); only the namespace
// alias names asio_directsockets. Compiled with em++ it listens inside a browser tab with
// Direct Sockets' TCPServerSocket and does TLS with OpenSSL built for wasm (docs/tls.md); curl
// on the host talks HTTPS to it.
//
//   https_server <address> <port> <doc_root> <certificate chain.pem> <private key.pem>
//
//   GET /<path>       the file <doc_root>/<path> (index.html for /)
//   GET /bytes/<n>    n bytes of byte_pattern.hpp, streamed in 64 KiB pieces
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "byte_pattern.hpp"
#include "tls_report.hpp"

namespace net = asio_directsockets;  // was: namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

namespace {

constexpr auto tuple = net::as_tuple(net::use_awaitable);
constexpr const char* server_name = "asio_directsockets example https_server";

// GET /bytes/<n>: a header with Content-Length n, then the body in pieces, none of it stored.
net::awaitable<beast::error_code> send_bytes(tls_stream& stream, unsigned version, bool keep_alive,
                                             std::uint64_t size) {
  http::response<http::buffer_body> res{http::status::ok, version};
  res.set(http::field::server, server_name);
  res.set(http::field::content_type, "application/octet-stream");
  res.keep_alive(keep_alive);
  res.content_length(size);
  res.body().data = nullptr;
  res.body().more = true;
  http::response_serializer<http::buffer_body> serializer{res};
  auto [ec, n] = co_await http::async_write_header(stream, serializer, tuple);
  std::vector<char> piece(64 * 1024);
  for (std::uint64_t sent = 0; !ec && sent < size;) {
    const auto k = static_cast<std::size_t>(std::min<std::uint64_t>(piece.size(), size - sent));
    example::fill_byte_pattern(piece.data(), k, static_cast<std::size_t>(sent));
    sent += k;
    res.body().data = piece.data();
    res.body().size = k;
    res.body().more = sent < size;
    auto [wec, wn] = co_await http::async_write(stream, serializer, tuple);
    ec = wec == http::error::need_buffer ? beast::error_code{} : wec;  // "give me the next piece"
  }
  co_return ec;
}

// Any other GET: a file of the document root ("/" is index.html), or 404.
net::awaitable<beast::error_code> send_file(tls_stream& stream, const std::string& doc_root,
                                            const http::request<http::empty_body>& req) {
  std::string target(req.target());
  if (target.back() == '/') target += "index.html";
  http::file_body::value_type file;
  beast::error_code ec;
  const bool escapes_root = target.find("..") != std::string::npos;
  if (!escapes_root) file.open((doc_root + target).c_str(), beast::file_mode::scan, ec);
  if (escapes_root || ec) {
    http::response<http::string_body> res{http::status::not_found, req.version()};
    res.set(http::field::server, server_name);
    res.keep_alive(req.keep_alive());
    res.body() = "not found\n";
    res.prepare_payload();
    auto [wec, wn] = co_await http::async_write(stream, res, tuple);
    co_return wec;
  }
  http::response<http::file_body> res{http::status::ok, req.version()};
  res.set(http::field::server, server_name);
  res.set(http::field::content_type, target.ends_with(".css") ? "text/css" : "text/html");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(file);
  res.prepare_payload();
  auto [wec, wn] = co_await http::async_write(stream, res, tuple);
  co_return wec;
}

net::awaitable<void> session(tcp::socket socket, ssl::context& ctx, const std::string& doc_root) {
  tls_stream stream(std::move(socket), ctx);
  auto& connection = beast::get_lowest_layer(stream);
  connection.expires_after(std::chrono::seconds(30));
  if (auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, tuple); ec) {
    example::report_error("https_server: handshake", ec);  // e.g. a client that refused our cert
    co_return;
  }
  beast::flat_buffer buffer;
  for (;;) {
    connection.expires_after(std::chrono::seconds(30));
    http::request<http::empty_body> req;
    if (auto [ec, n] = co_await http::async_read(stream, buffer, req, tuple); ec) break;
    const std::string_view target = req.target();
    beast::error_code ec;
    if (req.method() != http::verb::get || target.empty() || target[0] != '/')
      break;  // not for this example
    if (target.starts_with("/bytes/"))
      ec = co_await send_bytes(stream, req.version(), req.keep_alive(),
                               std::strtoull(std::string(target.substr(7)).c_str(), nullptr, 10));
    else
      ec = co_await send_file(stream, doc_root, req);
    if (ec || !req.keep_alive()) break;
  }
  // close_notify, then wait (bounded) for the client's; a client that just hangs up is fine.
  connection.expires_after(std::chrono::seconds(5));
  co_await stream.async_shutdown(tuple);
}

net::awaitable<void> listen(tcp::endpoint endpoint, ssl::context& ctx, std::string doc_root) {
  auto executor = co_await net::this_coro::executor;
  tcp::acceptor acceptor(executor, endpoint);
  std::cout << "{\"listening\":\"" << acceptor.local_endpoint() << "\",\"tls\":true}" << std::endl;
  for (;;) {
    tcp::socket socket = co_await acceptor.async_accept(net::use_awaitable);
    net::co_spawn(executor, session(std::move(socket), ctx, doc_root), net::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::cerr << "usage: https_server <address> <port> <doc_root> <chain.pem> <key.pem>\n";
    return EXIT_FAILURE;
  }
  try {
    ssl::context ctx(ssl::context::tls_server);
    ctx.use_certificate_chain_file(argv[4]);
    ctx.use_private_key_file(argv[5], ssl::context::pem);
    net::io_context ioc;
    const tcp::endpoint endpoint(net::ip::make_address(argv[1]),
                                 static_cast<unsigned short>(std::atoi(argv[2])));
    net::co_spawn(ioc, listen(endpoint, ctx, argv[3]), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    ioc.run();
  } catch (const std::exception& e) {
    std::cerr << "https_server: " << e.what() << "\n";
    return EXIT_FAILURE;
  }
}
