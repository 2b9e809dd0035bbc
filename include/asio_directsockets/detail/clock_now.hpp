// Clock::now() for the library's own hot paths (timer queues, the run loop). In a browser build
// steady_clock::now() costs four JS calls (an exception trampoline, clock_gettime, and two for
// its 64-bit result), several times per completion; there it is read straight from
// emscripten_get_now(), declared nothrow, converted exactly as Emscripten's clock_gettime and
// libc++ do, so it agrees with the steady_clock::now() the program itself calls.
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>

#if defined(__EMSCRIPTEN__)
extern "C" double emscripten_get_now(void) __attribute__((nothrow));
#endif

namespace asio_directsockets::detail {

template <typename Clock>
struct clock_now {
  static typename Clock::time_point get() { return Clock::now(); }
};

#if defined(__EMSCRIPTEN__)
template <>
struct clock_now<std::chrono::steady_clock> {
  static std::chrono::steady_clock::time_point get() noexcept {
    const double ms = emscripten_get_now();
    // As library.js's clock_gettime: tv_sec = (now / 1000) | 0,
    // tv_nsec = ((now % 1000) * 1000 * 1000) | 0.
    const auto sec = static_cast<std::int32_t>(ms / 1000);
    const auto nsec = static_cast<std::int32_t>(std::fmod(ms, 1000.0) * 1000 * 1000);
    return std::chrono::steady_clock::time_point(
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::seconds(sec) + std::chrono::nanoseconds(nsec)));
  }
};
#endif

inline std::chrono::steady_clock::time_point steady_now() noexcept {
  return clock_now<std::chrono::steady_clock>::get();
}

}  // namespace asio_directsockets::detail
