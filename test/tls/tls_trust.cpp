// Trust for Boost.Asio's ssl::stream over the library's sockets (docs/tls.md, "Trust"), natively,
// as wasm under Node and in Chromium: the default verify paths load a CA bundle (in the wasm
// build the one embedded at /etc/ssl/cert.pem), roots given as bytes verify a server, and an
// untrusted certificate or a wrong host name fail the handshake with Boost.Asio's SSL error codes.
// Each case runs a real TLS connection over 127.0.0.1: a server with examples/tls/certs/server.pem
// and a client configured by the case, then one echoed message.
#define BOOST_TEST_MODULE tls_trust
#include <boost/config.hpp>
#if defined(__EMSCRIPTEN__)
#undef BOOST_HAS_SIGACTION  // see conformance_ours.cpp: sigsetjmp and ASYNCIFY do not mix
#endif
#include <asio_directsockets.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/test/included/unit_test.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace net = asio_directsockets;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

const std::string certs = ASIO_DS_TEST_CERTS;  // examples/tls/certs (wasm: embedded as /certs)

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::size_t certificates_in(const std::string& pem) {
  std::size_t n = 0;
  for (auto at = pem.find("-----BEGIN CERTIFICATE-----"); at != std::string::npos;
       at = pem.find("-----BEGIN CERTIFICATE-----", at + 1))
    ++n;
  return n;
}

std::size_t certificates_in(ssl::context& ctx) {
  STACK_OF(X509_OBJECT)* objects =
      X509_STORE_get0_objects(SSL_CTX_get_cert_store(ctx.native_handle()));
  std::size_t n = 0;
  for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i)
    if (X509_OBJECT_get_type(sk_X509_OBJECT_value(objects, i)) == X509_LU_X509) ++n;
  return n;
}

error_code ssl_error(int reason) {
  return error_code(static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, reason)),
                    boost::asio::error::get_ssl_category());
}

struct outcome {
  error_code client, server;
  long verify_result = -1;
  std::string echoed;
};

// One connection: the server presents the example certificate; the client verifies the peer with
// `client_ctx` and, if `name` is not empty, the host name; then "ping" is echoed.
outcome connect(ssl::context& client_ctx, const std::string& name) {
  net::io_context ioc;
  ssl::context server_ctx(ssl::context::tls_server);
  server_ctx.use_certificate_chain_file(certs + "/server.pem");
  server_ctx.use_private_key_file(certs + "/server.key", ssl::context::pem);
  tcp::acceptor acceptor(ioc, {net::ip::make_address("127.0.0.1"), 0});
  ssl::stream<tcp::socket> server(ioc, server_ctx);
  ssl::stream<tcp::socket> client(ioc, client_ctx);
  client.set_verify_mode(ssl::verify_peer);
  if (!name.empty()) BOOST_REQUIRE(SSL_set1_host(client.native_handle(), name.c_str()) == 1);

  outcome r;
  std::array<char, 4> received{}, back{};
  acceptor.async_accept(server.next_layer(), [&](error_code ec) {
    BOOST_REQUIRE(!ec);
    server.async_handshake(ssl::stream_base::server, [&](error_code ec) {
      r.server = ec;
      if (ec) return;
      net::async_read(server, net::buffer(received), [&](error_code ec, std::size_t) {
        if (!ec) net::async_write(server, net::buffer(received), [](error_code, std::size_t) {});
      });
    });
  });
  client.next_layer().async_connect(acceptor.local_endpoint(), [&](error_code ec) {
    BOOST_REQUIRE(!ec);
    client.async_handshake(ssl::stream_base::client, [&](error_code ec) {
      r.client = ec;
      r.verify_result = SSL_get_verify_result(client.native_handle());
      if (ec) return;
      net::async_write(client, net::buffer("ping", 4), [&](error_code ec, std::size_t) {
        if (ec) return;
        net::async_read(client, net::buffer(back), [&](error_code ec, std::size_t) {
          if (!ec) r.echoed.assign(back.data(), back.size());
        });
      });
    });
  });
  ioc.run();
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(default_verify_paths_load_the_ca_bundle) {
  const std::string file = X509_get_default_cert_file();
#if defined(__EMSCRIPTEN__)
  // The wasm OpenSSL's OPENSSLDIR is /etc/ssl, where the build embeds ASIO_DS_CA_BUNDLE.
  BOOST_TEST(file == "/etc/ssl/cert.pem");
  BOOST_TEST(certificates_in(read_file(file)) == std::size_t{ASIO_DS_TEST_CA_BUNDLE_CERTIFICATES});
#endif
  const std::size_t in_file = certificates_in(read_file(file));
  BOOST_TEST_MESSAGE(file << ": " << in_file << " certificates");
  BOOST_TEST(in_file > 0u);
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_default_verify_paths();
  BOOST_TEST(certificates_in(ctx) == in_file);
}

BOOST_AUTO_TEST_CASE(roots_given_as_bytes_verify_the_server) {
  ssl::context ctx(ssl::context::tls_client);
  const std::string ca = read_file(certs + "/ca.pem");
  ctx.add_certificate_authority(net::buffer(ca));
  const outcome r = connect(ctx, "127.0.0.1");
  BOOST_TEST(r.client == error_code());
  BOOST_TEST(r.server == error_code());
  BOOST_TEST(r.verify_result == X509_V_OK);
  BOOST_TEST(r.echoed == "ping");
}

BOOST_AUTO_TEST_CASE(roots_from_a_file_verify_the_server_by_dns_name) {
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(certs + "/ca.pem");
  const outcome r = connect(ctx, "localhost");
  BOOST_TEST(r.client == error_code());
  BOOST_TEST(r.echoed == "ping");
}

BOOST_AUTO_TEST_CASE(the_default_roots_refuse_the_example_ca) {
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_default_verify_paths();
  const outcome r = connect(ctx, "127.0.0.1");
  BOOST_TEST(r.client == ssl_error(SSL_R_CERTIFICATE_VERIFY_FAILED));
  BOOST_TEST(r.client.message() == "certificate verify failed (SSL routines)");
  BOOST_TEST(r.verify_result == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  BOOST_TEST(r.server == ssl_error(SSL_R_TLSV1_ALERT_UNKNOWN_CA));
  BOOST_TEST(r.echoed.empty());
}

BOOST_AUTO_TEST_CASE(a_wrong_host_name_is_refused) {
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(certs + "/ca.pem");
  const outcome r = connect(ctx, "wrong.example");
  BOOST_TEST(r.client == ssl_error(SSL_R_CERTIFICATE_VERIFY_FAILED));
  BOOST_TEST(r.verify_result == X509_V_ERR_HOSTNAME_MISMATCH);
  BOOST_TEST(r.echoed.empty());
}
