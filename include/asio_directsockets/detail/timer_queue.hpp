// Pending waits of one clock type, ordered by a binary min-heap on expiry.
// Each timer object owns a per_timer_data holding the waits made on it, so
// cancel() on a timer is O(log n) and a timer can have several waiters.
#pragma once

#include <asio_directsockets/detail/clock_now.hpp>
#include <asio_directsockets/detail/operation.hpp>

#include <boost/asio/error.hpp>

#include <chrono>
#include <cstddef>
#include <limits>
#include <vector>

namespace asio_directsockets::detail {

class timer_queue_base {
 public:
  virtual ~timer_queue_base() = default;
  virtual bool empty() const = 0;
  // Microseconds until the earliest expiry, capped at max_usec.
  virtual long long wait_duration_usec(long long max_usec) const = 0;
  virtual void get_ready_timers(op_queue& ops) = 0;
  virtual void get_all_timers(op_queue& ops) = 0;
  virtual bool cancel_by_key(void* key, op_queue& ops) = 0;

  timer_queue_base* next_ = nullptr;
};

template <typename Clock, typename WaitTraits>
class timer_queue : public timer_queue_base {
 public:
  using time_point = typename Clock::time_point;

  class per_timer_data {
   public:
    per_timer_data() = default;
    per_timer_data(const per_timer_data&) = delete;
    per_timer_data& operator=(const per_timer_data&) = delete;

   private:
    friend class timer_queue;
    op_queue ops_;
    std::size_t heap_index_ = npos;
  };

  bool empty() const override { return heap_.empty(); }

  // Adds a wait; returns true when it became the earliest (the backend must
  // shorten its current wait).
  bool enqueue_timer(const time_point& expiry, per_timer_data& timer, operation* op) {
    if (timer.heap_index_ == npos) {
      timer.heap_index_ = heap_.size();
      heap_.push_back({expiry, &timer});
      up_heap(heap_.size() - 1);
    }
    timer.ops_.push(op);
    return timer.heap_index_ == 0 && timer.ops_.front() == op;
  }

  long long wait_duration_usec(long long max_usec) const override {
    if (heap_.empty()) return max_usec;
    // Not WaitTraits::to_wait_duration(time_point): it computes now + max(),
    // which overflows and reports every deadline as "never".
    const time_point now = clock_now<Clock>::get();
    const time_point expiry = heap_[0].time;
    if (!(now < expiry)) return 0;
    auto d = WaitTraits::to_wait_duration(expiry - now);
    long long usec = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    // Round up so a wait never ends just before the deadline and spins.
    if (std::chrono::duration_cast<std::chrono::microseconds>(d) < d) ++usec;
    if (usec < 0) usec = 0;
    return usec < max_usec ? usec : max_usec;
  }

  void get_ready_timers(op_queue& ops) override {
    if (heap_.empty()) return;
    const time_point now = clock_now<Clock>::get();
    while (!heap_.empty() && !(now < heap_[0].time)) {
      per_timer_data* timer = heap_[0].timer;
      ops.push(timer->ops_);
      remove_timer(*timer);
    }
  }

  void get_all_timers(op_queue& ops) override {
    for (auto& e : heap_) {
      ops.push(e.timer->ops_);
      e.timer->heap_index_ = npos;
    }
    heap_.clear();
  }

  // Moves up to max_cancelled waits to ops, completed with operation_aborted.
  std::size_t cancel_timer(per_timer_data& timer, op_queue& ops,
                           std::size_t max_cancelled = (std::numeric_limits<std::size_t>::max)()) {
    std::size_t n = 0;
    if (timer.heap_index_ == npos) return 0;
    while (n < max_cancelled) {
      operation* op = timer.ops_.pop();
      if (!op) break;
      op->ec_ = boost::asio::error::operation_aborted;
      ops.push(op);
      ++n;
    }
    if (timer.ops_.empty()) remove_timer(timer);
    return n;
  }

  // Per-operation cancellation of the wait installed with `key`. Searches
  // instead of trusting a timer pointer: the timer may be gone already.
  bool cancel_by_key(void* key, op_queue& ops) override {
    for (auto& e : heap_) {
      per_timer_data& timer = *e.timer;
      if (operation* op = timer.ops_.remove_by_key(key)) {
        op->ec_ = boost::asio::error::operation_aborted;
        ops.push(op);
        if (timer.ops_.empty()) remove_timer(timer);
        return true;
      }
    }
    return false;
  }

  // Transfers the pending waits of `from` to `to` (timer move construction).
  void move_timer(per_timer_data& to, per_timer_data& from) {
    to.ops_.push(from.ops_);
    to.heap_index_ = from.heap_index_;
    from.heap_index_ = npos;
    if (to.heap_index_ != npos) heap_[to.heap_index_].timer = &to;
  }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  struct heap_entry {
    time_point time;
    per_timer_data* timer;
  };

  void remove_timer(per_timer_data& timer) {
    std::size_t index = timer.heap_index_;
    if (index == npos) return;
    timer.heap_index_ = npos;
    if (index == heap_.size() - 1) {
      heap_.pop_back();
      return;
    }
    swap_heap(index, heap_.size() - 1);
    heap_.back().timer->heap_index_ = npos;
    heap_.pop_back();
    if (index > 0 && heap_[index].time < heap_[(index - 1) / 2].time)
      up_heap(index);
    else
      down_heap(index);
  }

  void up_heap(std::size_t index) {
    while (index > 0) {
      std::size_t parent = (index - 1) / 2;
      if (!(heap_[index].time < heap_[parent].time)) break;
      swap_heap(index, parent);
      index = parent;
    }
  }

  void down_heap(std::size_t index) {
    std::size_t child = index * 2 + 1;
    while (child < heap_.size()) {
      std::size_t min_child =
          (child + 1 == heap_.size() || heap_[child].time < heap_[child + 1].time) ? child
                                                                                   : child + 1;
      if (heap_[index].time < heap_[min_child].time) break;
      swap_heap(index, min_child);
      index = min_child;
      child = index * 2 + 1;
    }
  }

  void swap_heap(std::size_t a, std::size_t b) {
    std::swap(heap_[a], heap_[b]);
    heap_[a].timer->heap_index_ = a;
    heap_[b].timer->heap_index_ = b;
  }

  std::vector<heap_entry> heap_;
};

}  // namespace asio_directsockets::detail
