// One Direct Sockets operation as the backend sees it, whatever its handler:
// what to do (kind, direction, the buffer), and where the result goes. The
// templates in operations.hpp derive from it and add the handler's side; a
// synchronous call uses a sync_op on its stack.
//
// An operation starts with one bridge call and completes exactly once: with
// the result the bridge reported, or operation_aborted when it is cancelled
// or its socket closes. docs/architecture.md traces one through.
#pragma once

#include <asio_directsockets/detail/operation.hpp>

#include <netinet/in.h>

#include <cstddef>

namespace asio_directsockets::detail::ds {

enum class op_kind : unsigned char { read, write, send_to, receive_from, accept, connect, wait };

// Each socket runs the operations of a direction one at a time, in order, as
// a reactor runs a descriptor's queue. A connect is the socket's open.
enum direction : int { read_direction = 0, write_direction = 1, except_direction = 2 };
constexpr int directions = 3;

class ds_op : public operation {
 public:
  op_kind kind;
  int direction;
  // Transfers: the first non-empty buffer, as POSIX-like single-buffer calls take it.
  void* buffer = nullptr;
  int length = 0;
  // send_to: the destination. receive_from and accept: the peer, once known.
  sockaddr_in6 address{};
  std::size_t address_length = 0;
  bool wants_address = false;
  // accept: the new socket's descriptor, until the socket object takes it.
  int accepted = -1;
  // Where the finished operation goes: the owner's completion queue, or, for a
  // synchronous call (no owner), just this flag.
  void* owner = nullptr;
  bool finished = false;
  // receive_from: the sender, as the bridge writes it.
  char from_address[64] = {};
  int from_port = 0;

 protected:
  ds_op(func_type complete, op_kind k, int dir) : operation(complete), kind(k), direction(dir) {}
  ~ds_op() = default;
};

// A synchronous call's operation: nothing to invoke, the caller reads the result.
class sync_op : public ds_op {
 public:
  sync_op(op_kind k, int dir) : ds_op(&sync_op::nothing, k, dir) {}

 private:
  static void nothing(void*, operation*, const boost::system::error_code&, std::size_t) {}
};

}  // namespace asio_directsockets::detail::ds
