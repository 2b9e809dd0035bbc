// A Beast HTTPS client: resolve, connect, TLS handshake that verifies the server's certificate
// and host name, GET, print the response (a large body as its size and SHA-256).
//
// A plain Boost.Asio + Beast program (ssl_stream<tcp_stream>, coroutines); only the namespace
// alias names asio_directsockets. Compiled with em++ it runs in a browser tab: TLS is OpenSSL
// built for wasm (docs/tls.md), the TCP connection a Direct Sockets TCPSocket.
//
//   https_client <host> <port> <target> [<ca.pem> | default] [<name to verify>]
//
// Trust: the PEM file's certificates, or with "default" (the default) OpenSSL's default verify
// paths: the system's roots natively, the Debian bundle embedded at build time in the wasm build.
// The name to verify is <host> unless given; it is sent as SNI unless it is an IP address.
// Exit status 0 for a 2xx response, 1 otherwise; errors name their error_code (tls_report.hpp).
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/evp.h>

#include <cstdlib>
#include <iostream>
#include <limits>
#include <string>

#include "tls_report.hpp"

namespace net = asio_directsockets;  // was: namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

std::string sha256_hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

bool is_ip_address(const std::string& name) {
  boost::system::error_code ec;
  net::ip::make_address(name, ec);
  return !ec;
}

net::awaitable<int> get(ssl::context& ctx, std::string host, std::string port, std::string target,
                        std::string name) {
  constexpr auto tuple = net::as_tuple(net::use_awaitable);
  auto executor = co_await net::this_coro::executor;
  tcp::resolver resolver(executor);
  beast::ssl_stream<beast::tcp_stream> stream(executor, ctx);
  // OpenSSL checks the name during verification (as Beast's newer examples do), so a mismatch
  // reads "hostname mismatch" rather than a callback's bare refusal.
  if (!SSL_set1_host(stream.native_handle(), name.c_str()) ||
      (!is_ip_address(name) && !SSL_set_tlsext_host_name(stream.native_handle(), name.c_str()))) {
    std::cerr << "https_client: cannot verify or send the name " << name << std::endl;
    co_return EXIT_FAILURE;
  }

  auto& connection = beast::get_lowest_layer(stream);
  connection.expires_after(std::chrono::seconds(30));
  auto [rec, endpoints] = co_await resolver.async_resolve(host, port, tuple);
  if (rec) {
    example::report_error("https_client: resolve", rec);
    co_return EXIT_FAILURE;
  }
  auto [cec, endpoint] = co_await connection.async_connect(endpoints, tuple);
  if (cec) {
    example::report_error("https_client: connect", cec);
    co_return EXIT_FAILURE;
  }
  auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, tuple);
  if (hec) {
    example::report_error("https_client: handshake", hec);
    example::report_verify_result(stream.native_handle());
    co_return EXIT_FAILURE;
  }

  // Connection: close — the server answers and hangs up at once, the pattern that loses data
  // when a transport drops what arrives with the peer's FIN (docs/chromium-fin-drop.md).
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, host);
  req.set(http::field::user_agent, "asio_directsockets example https_client");
  req.keep_alive(false);
  auto [wec, wn] = co_await http::async_write(stream, req, tuple);
  if (wec) {
    example::report_error("https_client: write", wec);
    co_return EXIT_FAILURE;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  auto [rdec, rn] = co_await http::async_read(stream, buffer, parser, tuple);
  if (rdec) {
    example::report_error("https_client: read", rdec);
    co_return EXIT_FAILURE;
  }
  const auto& res = parser.get();
  if (res.body().size() <= 4096)
    std::cout << res << std::endl;
  else
    std::cout << res.base() << "(body not shown)" << std::endl;
  std::cout << "body: " << res.body().size() << " bytes, sha256 " << sha256_hex(res.body())
            << std::endl;

  // close_notify both ways. The server may already have closed the TCP connection: that is how
  // an HTTP/1.1 response with Connection: close ends, so this is best effort.
  auto [sec] = co_await stream.async_shutdown(tuple);
  if (sec && sec != net::error::eof && sec != ssl::error::stream_truncated)
    example::report_error("https_client: shutdown (ignored)", sec);
  co_return res.result_int() / 100 == 2 ? EXIT_SUCCESS : EXIT_FAILURE;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 6) {
    std::cerr << "usage: https_client <host> <port> <target> [<ca.pem> | default] [<name>]\n";
    return EXIT_FAILURE;
  }
  const std::string trust = argc > 4 ? argv[4] : "default";
  const std::string name = argc > 5 ? argv[5] : argv[1];
  int status = EXIT_FAILURE;
  try {
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_verify_mode(ssl::verify_peer);
    if (trust == "default")
      ctx.set_default_verify_paths();
    else
      ctx.load_verify_file(trust);
    net::io_context ioc;
    net::co_spawn(ioc, get(ctx, argv[1], argv[2], argv[3], name), [&](std::exception_ptr e, int s) {
      if (e) std::rethrow_exception(e);
      status = s;
    });
    ioc.run();
  } catch (const std::exception& e) {
    std::cerr << "https_client: " << e.what() << "\n";
    return EXIT_FAILURE;
  }
  return status;
}
