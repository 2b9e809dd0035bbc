// Which networking implementation a bench binary is built against. Every
// bench program is written once against `net` and compiled twice, as the
// conformance suite is (test/conformance_{boost_asio,ours}.cpp): CMake defines
// ASIO_DS_BENCH_OURS for the asio_directsockets build.
#pragma once

#if defined(ASIO_DS_BENCH_OURS)
#include <asio_directsockets.hpp>
namespace net = asio_directsockets;
namespace bench {
inline constexpr const char* impl_name = "ours";
}
#else
#include <boost/asio.hpp>
namespace net = boost::asio;
namespace bench {
inline constexpr const char* impl_name = "stock";
}
#endif

namespace bench {
#if defined(__EMSCRIPTEN__)
inline constexpr const char* platform_name = "wasm";
#else
inline constexpr const char* platform_name = "native";
#endif
}  // namespace bench
