#pragma once

#include <asio_directsockets/basic_waitable_timer.hpp>

#include <chrono>

namespace asio_directsockets {

using steady_timer = basic_waitable_timer<std::chrono::steady_clock>;
using system_timer = basic_waitable_timer<std::chrono::system_clock>;
using high_resolution_timer = basic_waitable_timer<std::chrono::high_resolution_clock>;

}  // namespace asio_directsockets
