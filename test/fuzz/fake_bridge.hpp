// A C++ stand-in for the JS bridge (asio_directsockets/js/bridge/), so that
// the Direct Sockets backend's C++ side (descriptors.cpp, operations.cpp) can be compiled natively
// and fuzzed under AddressSanitizer. It keeps the bridge's side of the contract
// (docs/browser-bridge.md): handles, pending ops with their buffers, completions queued and
// delivered by ads_take_completions(), ads_cancel/ads_close forgetting pointers at once. What a
// completion carries (error, value, data) is chosen by the fuzzer, including values the real bridge
// never sends; the C++ side must survive all of it.
//
// It checks the C++ side's half: an op id is never reused while pending (abort() otherwise),
// and every buffer the C++ side hands over is touched (read at the import, written at
// completion), so ASan reports a buffer that was freed or too small while JS could still write
// into it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace fake_bridge {

enum class kind { open, read, write, accept, poll, udp_send, udp_receive };

struct pending_op {
  int op = 0;
  int handle = 0;
  kind k = kind::open;
  unsigned char* buf = nullptr;
  int len = 0;
  char* from_address = nullptr;
  int* from_port = nullptr;
};

// Resets all state (one fuzz input = one fresh bridge).
void reset();

// The ops JS holds right now, oldest first.
const std::vector<pending_op>& pending();

// JS finishes pending op number `index` (mod the count): for a successful read/receive it
// writes min(value, len) bytes into the op's buffer first, as the bridge does. The completion
// is queued for ads_take_completions().
void complete_pending(std::size_t index, int err, int value);

// Queues a completion record that names no pending op (or a stale one): the C++ side must
// ignore or tolerate it.
void queue_raw(int op, int err, int value);

// What the next synchronous import (ads_available, ads_endpoint, ads_*_open...) or transfer
// (ads_read & co: an attempt's result, or done now instead of pending) returns when the fuzzer
// wants a particular or bogus answer; consumed by one call.
void set_next_sync_result(int value);

}  // namespace fake_bridge
