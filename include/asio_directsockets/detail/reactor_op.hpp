// An I/O operation the poll backend can attempt without blocking. perform()
// makes one non-blocking system call and says whether the operation is
// finished (successfully or with an error) or must wait for readiness.
#pragma once

#include <asio_directsockets/detail/operation.hpp>

namespace asio_directsockets::detail {

class reactor_op : public operation {
 public:
  enum status { not_done, done };
  using perform_func_type = status (*)(reactor_op*);

  status perform() { return perform_func_(this); }

 protected:
  reactor_op(perform_func_type perform, func_type complete)
      : operation(complete), perform_func_(perform) {}

 private:
  perform_func_type perform_func_;
};

}  // namespace asio_directsockets::detail
