# TLS: the target asio_directsockets::ssl, which carries OpenSSL so that
# `#include <boost/asio/ssl.hpp>` compiles and links (docs/tls.md). Included when
# ASIO_DS_WITH_OPENSSL is on (otherwise this file does nothing).
#   natively: the system's OpenSSL (find_package(OpenSSL); Debian package libssl-dev);
#   Emscripten: a wasm32 OpenSSL, either ASIO_DS_OPENSSL_ROOT (a prefix holding
#   include/openssl/ and lib/libssl.a, lib/libcrypto.a) or, when that is empty, Debian's
#   source package built once per machine by asio_directsockets/tools/openssl-wasm/build.sh
#   into a cache outside the build tree (run here, at configure time; ~10 CPU-minutes the
#   first time, nothing afterwards).
if(NOT ASIO_DS_WITH_OPENSSL)
  return()
endif()
add_library(asio_directsockets_ssl INTERFACE)
add_library(asio_directsockets::ssl ALIAS asio_directsockets_ssl)
set_target_properties(asio_directsockets_ssl PROPERTIES EXPORT_NAME ssl)

# This project's example certificates (examples/tls/certs: an example CA and a server certificate
# it signs) for its TLS examples, tests and benchmark: ASIO_DS_EXAMPLE_CERTS is the directory as
# such a program sees it, /certs in the wasm build (asio_ds_embed_example_certs embeds it there),
# the source tree natively.
set(ASIO_DS_EXAMPLE_CERTS_SOURCE "${PROJECT_SOURCE_DIR}/examples/tls/certs")
if(EMSCRIPTEN)
  set(ASIO_DS_EXAMPLE_CERTS /certs)
else()
  set(ASIO_DS_EXAMPLE_CERTS "${ASIO_DS_EXAMPLE_CERTS_SOURCE}")
endif()
function(asio_ds_embed_example_certs target)
  if(EMSCRIPTEN)
    set(dir "${ASIO_DS_EXAMPLE_CERTS_SOURCE}")
    target_link_options(${target} PRIVATE "SHELL:--embed-file ${dir}@/certs")
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS
                 "${dir}/ca.pem" "${dir}/server.pem" "${dir}/server.key")
  endif()
endfunction()

if(NOT EMSCRIPTEN)
  find_package(OpenSSL REQUIRED)
  target_link_libraries(asio_directsockets_ssl INTERFACE OpenSSL::SSL OpenSSL::Crypto)
  return()
endif()

set(ASIO_DS_OPENSSL_ROOT "" CACHE PATH
    "A wasm32 OpenSSL to use (include/, lib/libssl.a, lib/libcrypto.a); empty: build Debian's")
set(ASIO_DS_OPENSSL_CACHE "" CACHE PATH
    "Cache of the wasm OpenSSL builds (empty: \$XDG_CACHE_HOME or ~/.cache/asio_directsockets/openssl-wasm)")
set(ASIO_DS_OPENSSL_SOURCE "" CACHE PATH
    "An OpenSSL source tree to build instead of fetching Debian's source package")

if(ASIO_DS_OPENSSL_ROOT)
  set(_ads_ossl_root "${ASIO_DS_OPENSSL_ROOT}")
else()
  set(_ads_ossl_args "")
  if(ASIO_DS_OPENSSL_CACHE)
    list(APPEND _ads_ossl_args --cache "${ASIO_DS_OPENSSL_CACHE}")
  endif()
  if(ASIO_DS_OPENSSL_SOURCE)
    list(APPEND _ads_ossl_args --source "${ASIO_DS_OPENSSL_SOURCE}")
  endif()
  set(_ads_ossl_script "${PROJECT_SOURCE_DIR}/asio_directsockets/tools/openssl-wasm/build.sh")
  message(STATUS "wasm OpenSSL: ${_ads_ossl_script} (builds once per machine; progress below)")
  # Its progress (stderr) goes straight to this configure's output; stdout's last line is the
  # install prefix. The script is a no-op once its cache holds the build.
  execute_process(COMMAND bash "${_ads_ossl_script}" ${_ads_ossl_args}
    OUTPUT_VARIABLE _ads_ossl_out RESULT_VARIABLE _ads_ossl_rc)
  if(NOT _ads_ossl_rc EQUAL 0)
    message(FATAL_ERROR "Building OpenSSL for wasm failed (${_ads_ossl_rc}); its messages are "
      "above. Pass a wasm32 OpenSSL of your own with -DASIO_DS_OPENSSL_ROOT=<prefix>, or turn "
      "ASIO_DS_WITH_OPENSSL off.")
  endif()
  string(STRIP "${_ads_ossl_out}" _ads_ossl_out)
  string(REGEX MATCH "[^\n]+$" _ads_ossl_root "${_ads_ossl_out}")
endif()

foreach(_f include/openssl/ssl.h lib/libssl.a lib/libcrypto.a)
  if(NOT EXISTS "${_ads_ossl_root}/${_f}")
    message(FATAL_ERROR "wasm OpenSSL at '${_ads_ossl_root}' has no ${_f}")
  endif()
endforeach()
file(STRINGS "${_ads_ossl_root}/include/openssl/opensslv.h" _ads_ossl_version
     REGEX "^# *define +OPENSSL_FULL_VERSION_STR +\"")
string(REGEX REPLACE ".*\"(.*)\".*" "\\1" _ads_ossl_version "${_ads_ossl_version}")
message(STATUS "wasm OpenSSL ${_ads_ossl_version}: ${_ads_ossl_root}")

# Trust (docs/tls.md): the browser has no system store, so a PEM bundle is embedded where the wasm
# OpenSSL looks by default (its OPENSSLDIR is /etc/ssl, build.sh): ssl::context's
# set_default_verify_paths() then works unchanged, as natively.
set(ASIO_DS_CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt" CACHE FILEPATH
    "PEM roots embedded in wasm TLS programs as /etc/ssl/cert.pem (empty: none)")
if(ASIO_DS_CA_BUNDLE)
  if(NOT EXISTS "${ASIO_DS_CA_BUNDLE}")
    message(FATAL_ERROR "ASIO_DS_CA_BUNDLE=${ASIO_DS_CA_BUNDLE} does not exist. Install Debian's "
      "ca-certificates, point ASIO_DS_CA_BUNDLE at a PEM file of your roots, or set it empty to "
      "embed none (then load roots at run time: docs/tls.md).")
  endif()
  target_link_options(asio_directsockets_ssl INTERFACE
    "SHELL:--embed-file ${ASIO_DS_CA_BUNDLE}@/etc/ssl/cert.pem")
  set_property(TARGET asio_directsockets_ssl APPEND PROPERTY INTERFACE_LINK_DEPENDS
               "${ASIO_DS_CA_BUNDLE}")
  message(STATUS "wasm TLS programs embed ${ASIO_DS_CA_BUNDLE} as /etc/ssl/cert.pem")
endif()

# Only this prefix's include/ (never a system include dir: that would bring glibc headers into
# a wasm build). libssl before libcrypto, which it needs.
target_include_directories(asio_directsockets_ssl SYSTEM INTERFACE "${_ads_ossl_root}/include")
target_link_libraries(asio_directsockets_ssl INTERFACE
  "${_ads_ossl_root}/lib/libssl.a" "${_ads_ossl_root}/lib/libcrypto.a")
