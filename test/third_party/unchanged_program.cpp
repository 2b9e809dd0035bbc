// A Boost.Asio program written for stock Boost.Asio, in the style that cannot
// move by a namespace alias: `using namespace boost::asio;`, io_service and
// io_context spelled unqualified, and a helper that takes
// `boost::asio::io_service&` as Asio-based libraries' headers do. It is built
// unchanged; the link line (asio_directsockets::asio_directsockets) is the
// whole port. Natively, under Node and in Chromium it echoes over loopback
// TCP and UDP, waits on both timer kinds and a legacy strand, and prints
// "unchanged program: ok" (exit 0) only if every step gave what stock Asio
// gives.
#include <boost/asio.hpp>

#include <array>
#include <cstdio>
#include <string>

using namespace boost::asio;
using ip::tcp;
using ip::udp;

namespace {

int failures = 0;
void check(bool ok, const char* what) {
  if (!ok) {
    std::printf("FAILED: %s\n", what);
    ++failures;
  }
}

// What a library header built on Asio looks like: it takes Boost's context.
struct library_session {
  explicit library_session(boost::asio::io_service& ios) : socket(ios), timer(ios) {}
  tcp::socket socket;
  deadline_timer timer;
};

}  // namespace

int main() {
  io_context ioc;
  io_service& same = ioc;
  const auto loopback = ip::make_address("127.0.0.1");

  // TCP: accept, connect, echo "ping" back, read it.
  tcp::acceptor acceptor(ioc, tcp::endpoint(loopback, 0));
  library_session client(same);
  tcp::socket served(ioc);
  std::array<char, 4> in{}, echoed{};
  bool echoed_ok = false;
  acceptor.async_accept(served, [&](boost::system::error_code ec) {
    check(!ec, "accept");
    async_read(served, buffer(in), [&](boost::system::error_code ec, std::size_t) {
      check(!ec, "server read");
      async_write(served, buffer(in),
                  [&](boost::system::error_code ec, std::size_t) { check(!ec, "server write"); });
    });
  });
  client.socket.async_connect(acceptor.local_endpoint(), [&](boost::system::error_code ec) {
    check(!ec, "connect");
    async_write(client.socket, buffer("ping", 4), [&](boost::system::error_code ec, std::size_t) {
      check(!ec, "client write");
      async_read(client.socket, buffer(echoed), [&](boost::system::error_code ec, std::size_t n) {
        echoed_ok = !ec && n == 4 && std::string(echoed.data(), 4) == "ping";
      });
    });
  });

  // UDP: one datagram to ourselves.
  udp::socket datagrams(ioc, udp::endpoint(loopback, 0));
  std::array<char, 8> dgram{};
  udp::endpoint from;
  bool udp_ok = false;
  datagrams.async_receive_from(buffer(dgram), from,
                               [&](boost::system::error_code ec, std::size_t n) {
                                 udp_ok = !ec && n == 3 && std::string(dgram.data(), 3) == "udp";
                               });
  datagrams.async_send_to(
      buffer("udp", 3), datagrams.local_endpoint(),
      [&](boost::system::error_code ec, std::size_t) { check(!ec, "send_to"); });

  // Timers (both kinds) and the pre-executor strand and post.
  bool deadline_fired = false, steady_fired = false;
  client.timer.expires_from_now(boost::posix_time::milliseconds(10));
  client.timer.async_wait([&](boost::system::error_code ec) { deadline_fired = !ec; });
  steady_timer steady(ioc, std::chrono::milliseconds(5));
  steady.async_wait([&](boost::system::error_code ec) { steady_fired = !ec; });
  io_service::strand strand(ioc);
  int in_order = 0;
  for (int i = 0; i < 3; ++i)
    strand.post([&, i] { in_order += (in_order == i); });
  bool posted = false;
  post(ioc, [&] { posted = true; });

  ioc.run();

  check(echoed_ok, "tcp echo");
  check(udp_ok, "udp datagram");
  check(deadline_fired, "deadline_timer");
  check(steady_fired, "steady_timer");
  check(in_order == 3, "strand order");
  check(posted, "post");
  if (failures) return 1;
  std::printf("unchanged program: ok\n");
  return 0;
}
