// The TLS benchmark (bench/tls_runner.py, `bench/run.sh --tls`): TLS handshake time and bulk
// download over TLS vs plain TCP, with one client program written against `net` and built
// natively against stock Boost.Asio and asio_directsockets, and as wasm for headless Chromium
// (OpenSSL built for wasm, docs/tls.md). The server is this program natively (stock Boost.Asio).
//
//   tls_bench server --cert chain.pem --key key.pem   prints {"tls_port":P,"tcp_port":Q}
//   tls_bench tls_handshake --port P --ca ca.pem [--count 50] [--cipher aes|chacha]
//   tls_bench tls_download --port P --ca ca.pem [--bytes 64Mi] [--cipher aes|chacha]
//   tls_bench tcp_download --port Q [--bytes 64Mi] [--buffer 65536]
//
// A download starts with an 8-byte little-endian length; the server answers that many bytes of
// bench/common/pattern.hpp (then close_notify over TLS), every byte checked by the client through
// async_read_some into a 64 KiB buffer. A handshake is connect + TLS handshake on a fresh
// connection (no session resumption), timed one after another; the client then hangs up.
// One JSON row per run on stdout (bench/common/row.hpp).
#include "common/args.hpp"
#include "common/latency.hpp"
#include "common/net_select.hpp"
#include "common/pattern.hpp"
#include "common/row.hpp"

#include <boost/asio/ssl.hpp>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace {

namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using tls_socket = ssl::stream<tcp::socket>;

constexpr std::size_t piece = 64 * 1024;

const char* suite_of(const std::string& cipher) {
  if (cipher == "aes") return "TLS_AES_128_GCM_SHA256";
  if (cipher == "chacha") return "TLS_CHACHA20_POLY1305_SHA256";
  throw std::invalid_argument("--cipher must be aes or chacha");
}

// ---- server: one session per connection, over TLS or plain TCP --------------------------------

template <typename Stream>
struct source_session : std::enable_shared_from_this<source_session<Stream>> {
  template <typename... A>
  explicit source_session(const bench::pattern& p, A&&... a)
      : pat(p), stream(std::forward<A>(a)...) {}

  const bench::pattern& pat;
  Stream stream;
  unsigned char header[8]{};
  std::vector<char> buf = std::vector<char>(piece);
  std::uint64_t size = 0, sent = 0;

  void start() {
    auto self = this->shared_from_this();
    net::async_read(stream, net::buffer(header), [self](error_code ec, std::size_t) {
      if (ec) return;  // a handshake-only client hangs up here
      for (int i = 0; i < 8; ++i)
        self->size |= std::uint64_t{self->header[i]} << (8 * i);
      self->send();
    });
  }
  void send() {
    if (sent == size) return finish();
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(piece, size - sent));
    pat.fill(buf.data(), n, sent);
    auto self = this->shared_from_this();
    net::async_write(stream, net::buffer(buf.data(), n), [self, n](error_code ec, std::size_t) {
      if (ec) return;
      self->sent += n;
      self->send();
    });
  }
  void finish() {
    if constexpr (std::is_same_v<Stream, tls_socket>)
      stream.async_shutdown([self = this->shared_from_this()](error_code) {});
  }
};

int run_server(bench::args& a) {
  const std::string cert = a.text("cert", ""), key = a.text("key", "");
  a.check_all_used();
  ssl::context ctx(ssl::context::tls_server);
  ctx.use_certificate_chain_file(cert);
  ctx.use_private_key_file(key, ssl::context::pem);
  ctx.set_options(ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  const auto pat = std::make_unique<bench::pattern>();
  net::io_context io;
  const auto loopback = net::ip::make_address("127.0.0.1");
  tcp::acceptor tls_acceptor(io, {loopback, 0}), tcp_acceptor(io, {loopback, 0});
  std::function<void()> accept_tls = [&] {
    tls_acceptor.async_accept([&](error_code ec, tcp::socket s) {
      if (!ec) {
        auto session = std::make_shared<source_session<tls_socket>>(*pat, std::move(s), ctx);
        session->stream.async_handshake(ssl::stream_base::server, [session](error_code ec) {
          if (!ec) session->start();
        });
      }
      accept_tls();
    });
  };
  std::function<void()> accept_tcp = [&] {
    tcp_acceptor.async_accept([&](error_code ec, tcp::socket s) {
      if (!ec) std::make_shared<source_session<tcp::socket>>(*pat, std::move(s))->start();
      accept_tcp();
    });
  };
  accept_tls();
  accept_tcp();
  std::printf("{\"tls_port\":%u,\"tcp_port\":%u}\n", tls_acceptor.local_endpoint().port(),
              tcp_acceptor.local_endpoint().port());
  std::fflush(stdout);
  io.run();
  return 0;
}

// ---- client ------------------------------------------------------------------------------------

ssl::context client_context(const std::string& ca, const std::string& cipher) {
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_verify_mode(ssl::verify_peer);
  ctx.load_verify_file(ca);
  if (SSL_CTX_set_ciphersuites(ctx.native_handle(), suite_of(cipher)) != 1)
    throw std::runtime_error("cipher suite not available");
  return ctx;
}

int run_tls_handshake(bench::args& a) {
  const auto port = static_cast<unsigned short>(a.integer("port", 0));
  const auto count = static_cast<int>(a.integer("count", 50));
  const std::string ca = a.text("ca", ""), cipher = a.text("cipher", "aes");
  a.check_all_used();
  ssl::context ctx = client_context(ca, cipher);
  net::io_context io;
  const tcp::endpoint server(net::ip::make_address("127.0.0.1"), port);
  bench::latency_samples connect_us, handshake_us;
  std::string error;
  std::unique_ptr<tls_socket> s;
  std::function<void(int)> next = [&](int left) {
    if (left == 0) return;
    s = std::make_unique<tls_socket>(io, ctx);
    SSL_set1_host(s->native_handle(), "127.0.0.1");
    const auto t0 = bench::clock::now();
    s->next_layer().async_connect(server, [&, t0, left](error_code ec) {
      if (ec) return void(error = "connect: " + ec.message());
      const auto t1 = bench::clock::now();
      s->async_handshake(ssl::stream_base::client, [&, t0, t1, left](error_code ec) {
        if (ec) return void(error = "handshake: " + ec.message());
        const auto t2 = bench::clock::now();
        connect_us.add(t1 - t0);
        handshake_us.add(t2 - t0);
        s->next_layer().close();
        next(left - 1);
      });
    });
  };
  next(count);
  io.run();
  if (!error.empty()) return bench::fail("tls_handshake", 0, 1, error);
  auto j = bench::row("tls_handshake", 0, 1);
  j.field("cipher", cipher).field("count", count);
  j.value("handshake_p50", handshake_us.percentile(0.5) / 1e3, "ms");
  j.value("handshake_p90", handshake_us.percentile(0.9) / 1e3, "ms");
  j.value("connect_p50", connect_us.percentile(0.5) / 1e3, "ms");
  j.print();
  return 0;
}

// Reads `bytes` of the pattern from `stream` (already connected, and for TLS handshaken), every
// byte checked; returns an error text or "".
template <typename Stream>
std::string download(net::io_context& io, Stream& stream, std::uint64_t bytes, std::size_t buffer) {
  unsigned char header[8];
  for (int i = 0; i < 8; ++i)
    header[i] = static_cast<unsigned char>(bytes >> (8 * i));
  const auto pat = std::make_unique<bench::pattern>();
  std::vector<char> buf(buffer);
  std::uint64_t done = 0;
  std::string error;
  std::function<void()> step = [&] {
    stream.async_read_some(net::buffer(buf), [&](error_code ec, std::size_t k) {
      if (ec) return void(error = "read after " + std::to_string(done) + " bytes: " + ec.message());
      if (const long long bad = pat->check(buf.data(), k, done); bad >= 0)
        return void(error = "wrong byte at offset " + std::to_string(done + bad));
      done += k;
      if (done < bytes) step();
    });
  };
  net::async_write(stream, net::buffer(header), [&](error_code ec, std::size_t) {
    if (ec) return void(error = "write: " + ec.message());
    step();
  });
  io.restart();
  io.run();
  return error;
}

int run_download(bench::args& a, bool tls) {
  const char* scenario = tls ? "tls_download" : "tcp_download";
  const auto port = static_cast<unsigned short>(a.integer("port", 0));
  const auto bytes = static_cast<std::uint64_t>(a.integer("bytes", 64LL << 20));
  const auto buffer = static_cast<std::size_t>(a.integer("buffer", piece));
  const std::string ca = tls ? a.text("ca", "") : "", cipher = tls ? a.text("cipher", "aes") : "";
  a.check_all_used();
  net::io_context io;
  const tcp::endpoint server(net::ip::make_address("127.0.0.1"), port);
  std::string error;
  double seconds = 0;
  if (tls) {
    ssl::context ctx = client_context(ca, cipher);
    tls_socket s(io, ctx);
    SSL_set1_host(s.native_handle(), "127.0.0.1");
    s.next_layer().connect(server);
    s.handshake(ssl::stream_base::client);
    const auto t0 = bench::clock::now();
    error = download(io, s, bytes, buffer);
    seconds = std::chrono::duration<double>(bench::clock::now() - t0).count();
  } else {
    tcp::socket s(io);
    s.connect(server);
    const auto t0 = bench::clock::now();
    error = download(io, s, bytes, buffer);
    seconds = std::chrono::duration<double>(bench::clock::now() - t0).count();
  }
  if (!error.empty()) return bench::fail(scenario, static_cast<long long>(buffer), 1, error);
  auto j = bench::row(scenario, static_cast<long long>(buffer), 1);
  if (tls) j.field("cipher", cipher);
  j.field("bytes", static_cast<long long>(bytes)).field("seconds", seconds);
  j.value("throughput", bytes / 1048576.0 / seconds, "MiB/s");
  j.print();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string role = argc > 1 ? argv[1] : "";
  try {
    bench::args a(argc, argv, 2);
    if (role == "server") return run_server(a);
    if (role == "tls_handshake") return run_tls_handshake(a);
    if (role == "tls_download") return run_download(a, true);
    if (role == "tcp_download") return run_download(a, false);
    std::fprintf(stderr, "usage: tls_bench server|tls_handshake|tls_download|tcp_download ...\n");
    return 2;
  } catch (const std::exception& e) {
    return bench::fail(role.c_str(), 0, 1, e.what());
  }
}
