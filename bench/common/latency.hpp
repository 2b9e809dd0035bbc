// Per-operation latencies collected during the measurement window, reported
// as percentiles (nearest rank).
#pragma once

#include <algorithm>
#include <chrono>
#include <vector>

namespace bench {

using clock = std::chrono::steady_clock;

inline double micros(clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

class latency_samples {
 public:
  latency_samples() { v_.reserve(1 << 20); }
  void add(clock::duration d) { v_.push_back(static_cast<float>(micros(d))); }
  std::size_t count() const { return v_.size(); }
  // p in [0, 1]; 0 when nothing was recorded.
  double percentile(double p) {
    if (v_.empty()) return 0;
    if (!sorted_) std::sort(v_.begin(), v_.end()), sorted_ = true;
    std::size_t i = static_cast<std::size_t>(p * v_.size());
    return v_[std::min(i, v_.size() - 1)];
  }

 private:
  std::vector<float> v_;
  bool sorted_ = false;
};

}  // namespace bench
