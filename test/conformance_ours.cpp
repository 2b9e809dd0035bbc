// The conformance suite run against asio_directsockets: proves parity with
// stock Boost.Asio (conformance_boost_asio.cpp runs the very same cases).
#define BOOST_TEST_MODULE conformance_asio_directsockets
#include <boost/config.hpp>
#if defined(__EMSCRIPTEN__)
// Boost.Test's signal handling runs each test inside sigsetjmp(); Emscripten's
// setjmp does not survive an ASYNCIFY suspension, and the suite suspends.
#undef BOOST_HAS_SIGACTION
#endif
#include <boost/test/included/unit_test.hpp>  // header-only: also builds under Emscripten

#include <asio_directsockets.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

namespace net = asio_directsockets;

#include "conformance/all.ipp"
