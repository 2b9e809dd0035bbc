// How the TLS examples report a failed operation: the message, and the error_code's category and
// value, so a test can assert the exact code (e.g. asio.ssl:167772294, certificate verify
// failed). For a failed certificate check OpenSSL also knows why (X509 verify result).
#pragma once

#include <boost/asio/ssl.hpp>
#include <boost/system/error_code.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <iostream>
#include <string>

namespace example {

inline void report_error(const std::string& what, const boost::system::error_code& ec) {
  std::cerr << what << ": " << ec.message() << " [" << ec.category().name() << ":" << ec.value()
            << "]" << std::endl;
}

// After a failed handshake: why the peer's certificate was refused, if it was.
inline void report_verify_result(SSL* ssl) {
  const long result = SSL_get_verify_result(ssl);
  if (result != X509_V_OK)
    std::cerr << "certificate: " << X509_verify_cert_error_string(result) << " (X509 error "
              << result << ")" << std::endl;
}

}  // namespace example
