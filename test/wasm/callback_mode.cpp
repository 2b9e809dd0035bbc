// The browser build's callback mode (no ASYNCIFY): the io_context outlives main(), run() returns
// at once and JS completions drive the handlers. Checks what only this mode does differently:
// synchronous transfers make one non-blocking attempt (never leaving a JS operation behind that
// could write into their buffer later), async_wait tells when a UDP socket has opened, and
// local_endpoint() once connected. Prints "callback mode: ok" and lets Node exit with 0; any
// failed check aborts (non-zero exit).
//
// Nothing can wait in this mode, so the listener's port cannot be learnt before it has opened:
// it listens on a random port below the ephemeral range, and the client retries a refused
// connect (the listener may not be open yet) and the whole setup on address_in_use.
#include <asio_directsockets.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>

namespace net = asio_directsockets;
using tcp = net::ip::tcp;
using udp = net::ip::udp;
using boost::system::error_code;

namespace {

int checks = 0;

#define CHECK(cond)                                                         \
  do {                                                                      \
    ++checks;                                                               \
    if (!(cond)) {                                                          \
      std::printf("callback mode: FAILED %s (line %d)\n", #cond, __LINE__); \
      std::fflush(stdout);                                                  \
      std::abort();                                                         \
    }                                                                       \
  } while (0)

struct state {
  explicit state(net::io_context& ioc)
      : acceptor(ioc),
        client(ioc),
        server(ioc),
        a(ioc, udp::endpoint(net::ip::make_address("127.0.0.1"), 0)),
        b(ioc, udp::endpoint(net::ip::make_address("127.0.0.1"), 0)),
        watchdog(ioc, std::chrono::seconds(20)) {}
  tcp::acceptor acceptor;
  tcp::socket client, server;
  udp::socket a, b;
  net::steady_timer watchdog;
  net::steady_timer retry{watchdog.get_executor()};
  std::array<char, 64> buf{};
  udp::endpoint from;
  int connected = 0;
};

net::io_context ioc;  // not a local of main(): main() returns, the context keeps serving
std::unique_ptr<state> st;

void finish() {
  st->watchdog.cancel();
  st->client.close();
  st->server.close();
  st->a.close();
  st->b.close();
  st->acceptor.close();
  std::printf("callback mode: ok (%d checks)\n", checks);
  std::fflush(stdout);
}

void udp_part() {
  // bind() could not wait for the UDPSocket to open: readiness to write says it has.
  st->b.async_wait(udp::socket::wait_write, [](error_code ec) {
    CHECK(!ec);
    const udp::endpoint to = st->b.local_endpoint();
    CHECK(to.port() != 0);
    st->b.async_receive_from(net::buffer(st->buf), st->from, [](error_code ec, std::size_t n) {
      CHECK(!ec);
      CHECK(std::string(st->buf.data(), n) == "datagram");
      finish();
    });
    st->a.async_wait(udp::socket::wait_write, [to](error_code ec) {
      CHECK(!ec);
      error_code sec;
      // A synchronous send: handed to the UDPSocket at once.
      CHECK(st->a.send_to(net::buffer("datagram", 8), to, 0, sec) == 8u);
      CHECK(!sec);
    });
  });
}

void tcp_part() {
  CHECK(st->client.local_endpoint().port() != 0);
  CHECK(st->client.local_endpoint() == st->server.remote_endpoint());

  // Nothing to read: would_block, and no JS read is left holding this buffer.
  std::array<char, 16> local{};
  error_code rec;
  CHECK(st->client.read_some(net::buffer(local), rec) == 0u);
  CHECK(rec == net::error::would_block);

  // A synchronous write is copied into the send queue at once.
  error_code wec;
  CHECK(st->client.write_some(net::buffer("hello", 5), wec) == 5u);
  CHECK(!wec);
  net::async_read(st->server, net::buffer(st->buf.data(), 5), [](error_code ec, std::size_t n) {
    CHECK(!ec);
    CHECK(std::string(st->buf.data(), n) == "hello");
    net::async_write(st->server, net::buffer("world", 5), [](error_code ec, std::size_t) {
      CHECK(!ec);
      st->client.async_wait(tcp::socket::wait_read, [](error_code ec) {
        CHECK(!ec);
        CHECK(st->client.available() == 5u);
        std::array<char, 16> got{};
        error_code rec;
        CHECK(st->client.read_some(net::buffer(got), rec) == 5u);
        CHECK(!rec);
        CHECK(std::string(got.data(), 5) == "world");
        udp_part();
      });
    });
  });
}

const auto loopback = net::ip::make_address("127.0.0.1");

void start_tcp(int attempt);

void connect_client(unsigned short port, int attempt, int tries) {
  st->client.async_connect(tcp::endpoint(loopback, port), [=](error_code ec) {
    if (ec == net::error::connection_refused && tries < 50) {  // not listening yet
      st->client.close();
      st->retry.expires_after(std::chrono::milliseconds(10));
      st->retry.async_wait([=](error_code) { connect_client(port, attempt, tries + 1); });
      return;
    }
    if (ec) return;  // the accept reports why (address_in_use: another program's port)
    if (++st->connected == 2) tcp_part();
  });
}

void start_tcp(int attempt) {
  std::random_device rd;
  const auto port = static_cast<unsigned short>(20000 + rd() % 10000);
  st->connected = 0;
  st->acceptor = tcp::acceptor(ioc, tcp::endpoint(loopback, port));
  st->acceptor.async_accept(st->server, [attempt](error_code ec) {
    if (ec == net::error::address_in_use && attempt < 5) {
      st->client.close();
      start_tcp(attempt + 1);
      return;
    }
    CHECK(!ec);
    if (++st->connected == 2) tcp_part();
  });
  connect_client(port, attempt, 0);
}

}  // namespace

int main() {
  st = std::make_unique<state>(ioc);
  st->watchdog.async_wait([](error_code ec) {
    if (ec) return;
    std::printf("callback mode: FAILED (watchdog)\n");
    std::fflush(stdout);
    std::abort();
  });
  start_tcp(0);
  ioc.run();  // returns at once: the browser's (here Node's) event loop drives the rest
  return 0;
}
