// Beast on top: beast::tcp_stream (whose socket and timers are Boost.Asio's own
// templates, so this checks that ours stand behind them), HTTP through it,
// its expiry timeouts, and websocket::stream<beast::tcp_stream> with a close.

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

BOOST_AUTO_TEST_SUITE(beast_streams)

using namespace conformance;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

net::awaitable<void> serve_one_http(tcp::acceptor& acceptor) {
  beast::tcp_stream stream(co_await acceptor.async_accept(net::use_awaitable));
  beast::flat_buffer buffer;
  http::request<http::string_body> req;
  stream.expires_after(std::chrono::seconds(10));
  co_await http::async_read(stream, buffer, req, net::use_awaitable);
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.set(http::field::content_type, "text/plain");
  res.body() = "you asked for " + std::string(req.target());
  res.prepare_payload();
  co_await http::async_write(stream, res, net::use_awaitable);
  stream.socket().shutdown(tcp::socket::shutdown_send);
}

}  // namespace

BOOST_AUTO_TEST_CASE(tcp_stream_http_round_trip) {
  net::io_context ioc;
  tcp::acceptor acceptor = make_acceptor(ioc);
  const auto port = std::to_string(acceptor.local_endpoint().port());
  std::string body;
  unsigned status = 0;
  bool server_done = false, client_done = false;

  net::co_spawn(ioc, serve_one_http(acceptor), report_exception{&server_done});
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        tcp::resolver resolver(ioc);
        beast::tcp_stream stream(ioc);
        stream.expires_after(std::chrono::seconds(10));
        co_await stream.async_connect(
            co_await resolver.async_resolve("127.0.0.1", port, net::use_awaitable),
            net::use_awaitable);
        http::request<http::empty_body> req{http::verb::get, "/index.html", 11};
        req.set(http::field::host, "127.0.0.1");
        co_await http::async_write(stream, req, net::use_awaitable);
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        co_await http::async_read(stream, buffer, res, net::use_awaitable);
        status = res.result_int();
        body = res.body();
        stream.socket().shutdown(tcp::socket::shutdown_both);
      },
      report_exception{&client_done});
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return server_done && client_done; }));
  BOOST_TEST(status == 200u);
  BOOST_TEST(body == "you asked for /index.html");
}

BOOST_AUTO_TEST_CASE(tcp_stream_expiry_gives_beast_timeout) {
  net::io_context ioc;
  auto [client, server] = make_tcp_pair(ioc);
  beast::tcp_stream stream(std::move(client));
  std::array<char, 16> buf{};
  std::optional<error_code> result;
  const auto start = clk::now();
  stream.expires_after(std::chrono::milliseconds(50));
  stream.async_read_some(net::buffer(buf), [&](error_code ec, std::size_t) { result = ec; });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return result.has_value(); }));
  CONF_CHECK_EC(*result, error_code(beast::error::timeout));
  BOOST_TEST((clk::now() - start >= std::chrono::milliseconds(45)));
  // The timeout closed the stream's socket, as Beast documents.
  BOOST_TEST(!stream.socket().is_open());
}

BOOST_AUTO_TEST_CASE(websocket_over_tcp_stream_echo_and_close) {
  net::io_context ioc;
  tcp::acceptor acceptor = make_acceptor(ioc);
  const auto endpoint = acceptor.local_endpoint();
  std::string echoed;
  std::optional<error_code> server_end;
  bool server_done = false, client_done = false;

  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        websocket::stream<beast::tcp_stream> ws(co_await acceptor.async_accept(net::use_awaitable));
        co_await ws.async_accept(net::use_awaitable);
        for (;;) {
          beast::flat_buffer buffer;
          auto [ec, n] = co_await ws.async_read(buffer, net::as_tuple(net::use_awaitable));
          if (ec) {
            server_end = ec;
            break;
          }
          ws.text(ws.got_text());
          co_await ws.async_write(buffer.data(), net::use_awaitable);
        }
      },
      report_exception{&server_done});
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        websocket::stream<beast::tcp_stream> ws(ioc);
        beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(10));
        co_await beast::get_lowest_layer(ws).async_connect(endpoint, net::use_awaitable);
        beast::get_lowest_layer(ws).expires_never();
        co_await ws.async_handshake("127.0.0.1", "/", net::use_awaitable);
        co_await ws.async_write(net::buffer(std::string("hello websocket")), net::use_awaitable);
        beast::flat_buffer buffer;
        co_await ws.async_read(buffer, net::use_awaitable);
        echoed = beast::buffers_to_string(buffer.data());
        co_await ws.async_close(websocket::close_code::normal, net::use_awaitable);
      },
      report_exception{&client_done});
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return server_done && client_done; }));
  BOOST_TEST(echoed == "hello websocket");
  BOOST_TEST_REQUIRE(server_end.has_value());
  CONF_CHECK_EC(*server_end, error_code(websocket::error::closed));
}

BOOST_AUTO_TEST_SUITE_END()
