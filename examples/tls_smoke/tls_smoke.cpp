// The TLS build's smoke test (issue 14; built when ASIO_DS_WITH_OPENSSL is on, docs/tls.md).
// A program that links asio_directsockets::ssl includes <boost/asio/ssl.hpp> and gets OpenSSL:
// natively the system's, in the wasm build Debian's source built for wasm32. It prints
// OpenSSL's version, draws random bytes (in the browser /dev/urandom, i.e.
// crypto.getRandomValues), and starts a TLS handshake with an ssl::stream over this library's
// TCP socket against a plain listener of its own, which reads the ClientHello and hangs up: TLS
// bytes go over the library's sockets, and the handshake fails as it should. ssl::stream keeps
// two deadline_timers; the library takes them over, so no thread of Boost's own scheduler
// starts (in wasm that would abort with "thread: Not supported").
//   tls_smoke
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <iostream>

namespace net = asio_directsockets;  // was: namespace net = boost::asio;
namespace ssl = net::ssl;
using net::ip::tcp;

int main() {
  std::cout << "OpenSSL: " << OpenSSL_version(OPENSSL_VERSION) << std::endl;
  std::array<unsigned char, 16> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    std::cerr << "RAND_bytes failed\n";
    return 1;
  }

  net::io_context ioc;
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_verify_mode(ssl::verify_peer);
  ssl::stream<tcp::socket> stream(ioc, ctx);

  // The peer: accepts, reads what the client sends first, hangs up.
  tcp::acceptor acceptor(ioc, {net::ip::make_address("127.0.0.1"), 0});
  tcp::socket peer(ioc);
  std::array<unsigned char, 4096> hello{};
  std::size_t hello_size = 0;
  acceptor.async_accept(peer, [&](boost::system::error_code ec) {
    if (ec) return;
    peer.async_read_some(net::buffer(hello), [&](boost::system::error_code ec, std::size_t n) {
      hello_size = ec ? 0 : n;
      peer.close();
    });
  });

  boost::system::error_code handshake_ec;
  bool handshake_done = false;
  stream.next_layer().async_connect(acceptor.local_endpoint(), [&](boost::system::error_code ec) {
    if (ec) {
      std::cerr << "connect failed: " << ec.message() << "\n";
      return;
    }
    stream.async_handshake(ssl::stream_base::client, [&](boost::system::error_code ec) {
      handshake_ec = ec;
      handshake_done = true;
    });
  });
  ioc.run();

  // A TLS record of type 22 (handshake) carrying a ClientHello (handshake type 1).
  const bool client_hello = hello_size > 5 && hello[0] == 0x16 && hello[5] == 0x01;
  std::cout << "ClientHello sent over the library's socket: " << hello_size << " bytes"
            << (client_hello ? "" : " (not a ClientHello)") << "\n"
            << "handshake against a peer that hung up: "
            << (handshake_done ? handshake_ec.message() : "did not complete") << std::endl;
  const bool ok = client_hello && handshake_done && handshake_ec;
  std::cout << (ok ? "tls_smoke: ok" : "tls_smoke: FAILED") << std::endl;
  return ok ? 0 : 1;
}
