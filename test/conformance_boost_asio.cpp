// Conformance suite run against stock Boost.Asio: proves the suite itself is right.
// The same suite is compiled against asio_directsockets by swapping the alias below.
#define BOOST_TEST_MODULE conformance_boost_asio
#include <boost/test/included/unit_test.hpp>  // header-only: also builds under Emscripten

#include <boost/asio.hpp>
// Not pulled in by <boost/asio.hpp>; asio_directsockets.hpp re-exports it itself.
#include <boost/asio/experimental/awaitable_operators.hpp>

namespace net = boost::asio;

#include "conformance/all.ipp"
