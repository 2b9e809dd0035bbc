// Boost.Asio's ssl::stream over the library's sockets, on the library's loop
// alone: its two internal deadline_timers are the library's, so no Boost
// scheduler or thread appears. The certificate is made per run (nothing
// secret in the tree).
#include "helpers.hpp"

#include <boost/asio/ssl.hpp>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

using namespace native;
namespace ssl = net::ssl;

namespace {

struct identity {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, EVP_PKEY_free};
  std::unique_ptr<X509, decltype(&X509_free)> cert{nullptr, X509_free};
};

// A self-signed P-256 certificate for "localhost", valid for an hour.
identity make_identity() {
  identity id;
  id.key.reset(EVP_EC_gen("P-256"));
  id.cert.reset(X509_new());
  BOOST_TEST_REQUIRE((id.key && id.cert));
  X509* x = id.cert.get();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, id.key.get());
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  BOOST_TEST_REQUIRE(X509_sign(x, id.key.get(), EVP_sha256()) > 0);
  return id;
}

struct tls_pair {
  ssl::stream<tcp::socket> client;
  ssl::stream<tcp::socket> server;
};

tls_pair make_tls_pair(net::io_context& ioc, ssl::context& client_ctx, ssl::context& server_ctx) {
  tcp_pair p = make_tcp_pair(ioc);
  return {ssl::stream<tcp::socket>(std::move(p.client), client_ctx),
          ssl::stream<tcp::socket>(std::move(p.server), server_ctx)};
}

// Both handshakes on one loop; returns {client error, server error}.
std::pair<error_code, error_code> handshake(net::io_context& ioc, tls_pair& t) {
  error_code cec = net::error::fault, sec = net::error::fault;
  int done = 0;
  t.client.async_handshake(ssl::stream_base::client, [&](error_code e) {
    cec = e;
    ++done;
    if (e) t.client.next_layer().close();  // let the server's handshake end too
  });
  t.server.async_handshake(ssl::stream_base::server, [&](error_code e) {
    sec = e;
    ++done;
    if (e) t.server.next_layer().close();
  });
  BOOST_TEST(run_until(ioc, [&] { return done == 2; }));
  return {cec, sec};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ssl_stream)

BOOST_AUTO_TEST_CASE(tls_handshake_echo_and_shutdown_on_our_loop_without_a_thread) {
  const int threads = thread_count();
  identity id = make_identity();
  ssl::context server_ctx(ssl::context::tls_server), client_ctx(ssl::context::tls_client);
  BOOST_TEST_REQUIRE(SSL_CTX_use_certificate(server_ctx.native_handle(), id.cert.get()) == 1);
  BOOST_TEST_REQUIRE(SSL_CTX_use_PrivateKey(server_ctx.native_handle(), id.key.get()) == 1);
  BOOST_TEST_REQUIRE(
      X509_STORE_add_cert(SSL_CTX_get_cert_store(client_ctx.native_handle()), id.cert.get()) == 1);
  client_ctx.set_verify_mode(ssl::verify_peer);

  net::io_context ioc;
  tls_pair t = make_tls_pair(ioc, client_ctx, server_ctx);
  t.client.set_verify_callback(ssl::host_name_verification("localhost"));
  auto [cec, sec] = handshake(ioc, t);
  BOOST_TEST(!cec, cec.message());
  BOOST_TEST(!sec, sec.message());

  // Echo: the client writes, the server reads and writes it back.
  const std::string message(100000, 'x');
  std::string at_server(message.size(), '\0'), at_client(message.size(), '\0');
  int done = 0;
  net::async_write(t.client, net::buffer(message), [&](error_code e, std::size_t n) {
    BOOST_TEST(!e);
    BOOST_TEST(n == message.size());
    ++done;
  });
  net::async_read(t.server, net::buffer(at_server), [&](error_code e, std::size_t) {
    BOOST_TEST(!e);
    net::async_write(t.server, net::buffer(at_server), [&](error_code e2, std::size_t) {
      BOOST_TEST(!e2);
      ++done;
    });
  });
  net::async_read(t.client, net::buffer(at_client), [&](error_code e, std::size_t) {
    BOOST_TEST(!e);
    ++done;
  });
  BOOST_TEST(run_until(ioc, [&] { return done == 3; }));
  BOOST_TEST((at_client == message));

  // The client's close_notify ends the server's read with a clean eof (not stream_truncated);
  // the client's shutdown completes when the server's close_notify answers it.
  error_code shut_ec = net::error::fault, read_ec = net::error::fault;
  char byte;
  t.server.async_read_some(net::buffer(&byte, 1), [&](error_code e, std::size_t) {
    read_ec = e;
    t.server.async_shutdown([](error_code) {});
  });
  t.client.async_shutdown([&](error_code e) { shut_ec = e; });
  BOOST_TEST(run_until(ioc, [&] { return shut_ec != net::error::fault; }));
  BOOST_TEST(read_ec == net::error::eof, read_ec.message());
  BOOST_TEST(!shut_ec, shut_ec.message());

  BOOST_TEST(!boost::asio::has_service<boost::asio::detail::scheduler>(ioc));
  BOOST_TEST(thread_count() == threads);
}

BOOST_AUTO_TEST_CASE(an_untrusted_certificate_fails_verification) {
  identity id = make_identity();
  ssl::context server_ctx(ssl::context::tls_server), client_ctx(ssl::context::tls_client);
  BOOST_TEST_REQUIRE(SSL_CTX_use_certificate(server_ctx.native_handle(), id.cert.get()) == 1);
  BOOST_TEST_REQUIRE(SSL_CTX_use_PrivateKey(server_ctx.native_handle(), id.key.get()) == 1);
  client_ctx.set_verify_mode(ssl::verify_peer);  // and no trust anchor

  net::io_context ioc;
  tls_pair t = make_tls_pair(ioc, client_ctx, server_ctx);
  auto [cec, sec] = handshake(ioc, t);
  const error_code verify_failed(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_CERTIFICATE_VERIFY_FAILED),
                                 net::error::get_ssl_category());
  BOOST_TEST(cec == verify_failed, cec.message());
  BOOST_TEST(sec != error_code());  // the server sees the client's alert, or the close
}

BOOST_AUTO_TEST_SUITE_END()
