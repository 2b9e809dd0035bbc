// The Direct Sockets operations the bridge holds, by id: an O(1) table of
// (index, generation) slots. An id names one slot for one use, so a
// completion for an operation that was cancelled or closed meanwhile (stale)
// or an id the bridge made up (bogus) finds nothing, and a reused slot can
// never be completed by an old id.
#pragma once

#include <cstdint>
#include <vector>

namespace asio_directsockets::detail::ds {

template <typename Entry>
class op_table {
 public:
  // Ids are positive ints (the bridge checks that): index + 1 in the low bits,
  // the slot's generation above them.
  static constexpr int index_bits = 20;
  static constexpr std::uint32_t max_slots = 1u << index_bits;
  static constexpr std::uint32_t max_generation = (1u << (31 - index_bits)) - 1;

  // A new id for `entry`, or 0 when every slot is in use.
  int add(const Entry& entry) {
    std::uint32_t index;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
    } else {
      if (slots_.size() >= max_slots - 1) return 0;
      index = static_cast<std::uint32_t>(slots_.size());
      slots_.push_back(slot{});
    }
    slot& s = slots_[index];
    s.used = true;
    s.entry = entry;
    return static_cast<int>((s.generation << index_bits) | (index + 1));
  }

  // The entry of a live id, or nullptr (stale, bogus, released).
  Entry* find(int id) {
    slot* s = lookup(id);
    return s ? &s->entry : nullptr;
  }

  // Removes a live id; false if it was not live.
  bool release(int id) {
    slot* s = lookup(id);
    if (!s) return false;
    s->used = false;
    s->generation = s->generation == max_generation ? 1 : s->generation + 1;
    free_.push_back(static_cast<std::uint32_t>(s - slots_.data()));
    return true;
  }

  std::size_t size() const { return slots_.size() - free_.size(); }

 private:
  struct slot {
    Entry entry{};
    std::uint32_t generation = 1;
    bool used = false;
  };

  slot* lookup(int id) {
    if (id <= 0) return nullptr;
    const std::uint32_t u = static_cast<std::uint32_t>(id);
    const std::uint32_t index = (u & (max_slots - 1));
    if (index == 0 || index > slots_.size()) return nullptr;
    slot& s = slots_[index - 1];
    if (!s.used || s.generation != (u >> index_bits)) return nullptr;
    return &s;
  }

  std::vector<slot> slots_;
  std::vector<std::uint32_t> free_;
};

}  // namespace asio_directsockets::detail::ds
