// Gathers an Asio buffer sequence into an iovec array for one system call.
#pragma once

#include <asio_directsockets/detail/backend/poll/socket_ops.hpp>

#include <boost/asio/buffer.hpp>

#include <sys/uio.h>

namespace asio_directsockets::detail::backend {

template <typename Buffer, typename Buffers>
struct buffer_iov {
  explicit buffer_iov(const Buffers& buffers) {
    auto it = boost::asio::buffer_sequence_begin(buffers);
    auto end = boost::asio::buffer_sequence_end(buffers);
    for (; it != end && count < socket_ops::max_iov; ++it) {
      Buffer b(*it);
      iov[count].iov_base = const_cast<void*>(static_cast<const void*>(b.data()));
      iov[count].iov_len = b.size();
      total += b.size();
      ++count;
    }
  }
  bool all_empty() const { return total == 0; }

  iovec iov[socket_ops::max_iov];
  std::size_t count = 0;
  std::size_t total = 0;
};

template <typename Buffers>
using mutable_iov = buffer_iov<boost::asio::mutable_buffer, Buffers>;
template <typename Buffers>
using const_iov = buffer_iov<boost::asio::const_buffer, Buffers>;

}  // namespace asio_directsockets::detail::backend
