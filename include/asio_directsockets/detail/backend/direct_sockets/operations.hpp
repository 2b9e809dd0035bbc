// The Direct Sockets backend's operations with Asio's types on top: each
// fills a ds_op (kind, direction, first non-empty buffer, address) when it is
// made, and turns the finished ds_op into the handler's arguments in
// take_result(). io_op<> adds the handler around them, as for the poll
// backend's reactive_ops.hpp.
#pragma once

#include <asio_directsockets/detail/backend/direct_sockets/backend.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>

#include <algorithm>
#include <climits>
#include <cstring>
#include <tuple>
#include <utility>

namespace asio_directsockets::detail::ds {

// Direct Sockets transfers take one buffer: the first non-empty one of the sequence, as a
// POSIX call with an iovec would fill the first before the next.
template <typename Buffers>
void set_first_buffer(ds_op& op, const Buffers& buffers) {
  auto end = boost::asio::buffer_sequence_end(buffers);
  for (auto it = boost::asio::buffer_sequence_begin(buffers); it != end; ++it) {
    auto b = boost::asio::buffer(*it);
    if (b.size() == 0) continue;
    op.buffer = const_cast<void*>(static_cast<const void*>(b.data()));
    op.length = b.size() > INT_MAX ? INT_MAX : static_cast<int>(b.size());
    return;
  }
}

template <typename Endpoint>
void set_address(ds_op& op, const Endpoint& endpoint) {
  op.address_length = std::min<std::size_t>(endpoint.size(), sizeof op.address);
  std::memcpy(&op.address, endpoint.data(), op.address_length);
}

template <typename Endpoint>
void take_address(const ds_op& op, Endpoint& endpoint) {
  const std::size_t len = std::min<std::size_t>(op.address_length, endpoint.capacity());
  std::memcpy(endpoint.data(), &op.address, len);
  endpoint.resize(len);
}

// Reads a stream (async_read_some) or receives a datagram without its sender.
template <typename Buffers>
class receive_op_base : public ds_op {
 public:
  receive_op_base(func_type complete, const Buffers& buffers)
      : ds_op(complete, op_kind::read, read_direction) {
    set_first_buffer(*this, buffers);
  }
  std::tuple<error_code, std::size_t> take_result(const error_code& ec, std::size_t n, bool) {
    return {ec, n};
  }
};

template <typename Buffers>
class send_op_base : public ds_op {
 public:
  send_op_base(func_type complete, const Buffers& buffers)
      : ds_op(complete, op_kind::write, write_direction) {
    set_first_buffer(*this, buffers);
  }
  std::tuple<error_code, std::size_t> take_result(const error_code& ec, std::size_t n, bool) {
    return {ec, n};
  }
};

template <typename Buffers, typename Endpoint>
class receive_from_op_base : public ds_op {
 public:
  receive_from_op_base(func_type complete, const Buffers& buffers, Endpoint& sender)
      : ds_op(complete, op_kind::receive_from, read_direction), sender_(sender) {
    set_first_buffer(*this, buffers);
  }
  std::tuple<error_code, std::size_t> take_result(const error_code& ec, std::size_t n,
                                                  bool invoking) {
    if (!ec && invoking && address_length) take_address(*this, sender_);
    return {ec, n};
  }

 private:
  Endpoint& sender_;
};

template <typename Buffers, typename Endpoint>
class send_to_op_base : public ds_op {
 public:
  send_to_op_base(func_type complete, const Buffers& buffers, const Endpoint& destination)
      : ds_op(complete, op_kind::send_to, write_direction) {
    set_first_buffer(*this, buffers);
    set_address(*this, destination);
  }
  std::tuple<error_code, std::size_t> take_result(const error_code& ec, std::size_t n, bool) {
    return {ec, n};
  }
};

class connect_op_base : public ds_op {
 public:
  template <typename Endpoint>
  connect_op_base(func_type complete, const Endpoint& peer)
      : ds_op(complete, op_kind::connect, directions) {
    set_address(*this, peer);
  }
  std::tuple<error_code> take_result(const error_code& ec, std::size_t, bool) { return {ec}; }
};

// socket.async_wait: readiness in one direction (read 0, write 1, error 2).
class wait_op_base : public ds_op {
 public:
  wait_op_base(func_type complete, int w) : ds_op(complete, op_kind::wait, w) {}
  std::tuple<error_code> take_result(const error_code& ec, std::size_t, bool) { return {ec}; }
};

// Accepts one connection. The new socket is handed to a socket object in take_result(), on
// the completing thread; one that is never handed over is closed.
template <typename Endpoint>
class accept_op_core : public ds_op {
 protected:
  accept_op_core(func_type complete, Endpoint* peer_endpoint)
      : ds_op(complete, op_kind::accept, read_direction), peer_endpoint_(peer_endpoint) {
    wants_address = peer_endpoint != nullptr;
  }
  ~accept_op_core() {
    if (accepted >= 0) {
      error_code ignored;
      close(accepted, ignored);
    }
  }
  int release_accepted() {
    if (peer_endpoint_ && address_length) take_address(*this, *peer_endpoint_);
    return std::exchange(accepted, -1);
  }

 private:
  Endpoint* peer_endpoint_;
};

// async_accept(peer_socket, ...): fills a socket the caller owns.
template <typename Socket, typename Endpoint>
class accept_into_op_base : public accept_op_core<Endpoint> {
 public:
  accept_into_op_base(operation::func_type complete, Socket& peer, Endpoint* peer_endpoint)
      : accept_op_core<Endpoint>(complete, peer_endpoint), peer_(peer) {}

  std::tuple<error_code> take_result(error_code ec, std::size_t, bool invoking) {
    if (!ec && invoking) peer_.assign_accepted(this->release_accepted(), ec);
    return {ec};
  }

 private:
  Socket& peer_;
};

// async_accept(...) -> (ec, socket): makes the socket on completion.
template <typename Socket, typename Endpoint>
class accept_move_op_base : public accept_op_core<Endpoint> {
 public:
  accept_move_op_base(operation::func_type complete, const typename Socket::executor_type& ex,
                      Endpoint* peer_endpoint)
      : accept_op_core<Endpoint>(complete, peer_endpoint), ex_(ex) {}

  std::tuple<error_code, Socket> take_result(error_code ec, std::size_t, bool invoking) {
    Socket peer(ex_);
    if (!ec && invoking) peer.assign_accepted(this->release_accepted(), ec);
    return {ec, std::move(peer)};
  }

 private:
  typename Socket::executor_type ex_;
};

}  // namespace asio_directsockets::detail::ds
