// Time arithmetic that saturates at the ends of a clock's range instead of
// overflowing (signed overflow is undefined), as Boost.Asio's own does.
#pragma once

#include <chrono>

namespace asio_directsockets::detail {

template <typename TimePoint>
typename TimePoint::duration saturating_difference(const TimePoint& a, const TimePoint& b) {
  using duration = typename TimePoint::duration;
  const auto x = a.time_since_epoch().count(), y = b.time_since_epoch().count();
  if (y >= 0 && x < duration::min().count() + y) return duration::min();
  if (y < 0 && x > duration::max().count() + y) return duration::max();
  return duration(x - y);
}

}  // namespace asio_directsockets::detail
