// An I/O operation the poll backend can attempt without blocking. perform()
// makes one non-blocking system call and says whether the operation is
// finished (successfully or with an error) or must wait for readiness; a
// stream read that found fewer bytes than it had room for also says the
// socket is drained (done_and_exhausted), which lets the reactor skip the
// next read's speculative attempt, as Boost.Asio's epoll reactor does.
#pragma once

#include <asio_directsockets/detail/operation.hpp>

namespace asio_directsockets::detail {

class reactor_op : public operation {
 public:
  enum status { not_done, done, done_and_exhausted };
  using perform_func_type = status (*)(reactor_op*);

  status perform() { return perform_func_(this); }
  // A stream read into a non-empty buffer: after a read that drained the
  // stream it can only wait for data. Anything else (an empty read, which
  // completes at once, an accept, a datagram) is always tried first.
  bool waits_for_stream_data() const noexcept { return waits_for_stream_data_; }

 protected:
  reactor_op(perform_func_type perform, func_type complete)
      : operation(complete), perform_func_(perform) {}
  bool waits_for_stream_data_ = false;

 private:
  perform_func_type perform_func_;
};

}  // namespace asio_directsockets::detail
