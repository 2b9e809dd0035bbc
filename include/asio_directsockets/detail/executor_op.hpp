// A function submitted through an io_context executor (post/defer/dispatch
// when not run inline).
#pragma once

#include <asio_directsockets/detail/handler_alloc.hpp>
#include <asio_directsockets/detail/operation.hpp>

#include <utility>

namespace asio_directsockets::detail {

template <typename Function, typename Alloc>
class executor_op : public operation {
 public:
  template <typename F>
  executor_op(F&& f, const Alloc& a)
      : operation(&executor_op::do_complete), function_(std::forward<F>(f)), alloc_(a) {}

  static executor_op* make(Function&& f, const Alloc& a) {
    return op_ptr<executor_op, Alloc>::make(a, std::move(f), a);
  }

 private:
  static void do_complete(void* owner, operation* base, const boost::system::error_code&,
                          std::size_t) {
    auto* self = static_cast<executor_op*>(base);
    Alloc alloc(self->alloc_);
    Function f(std::move(self->function_));
    op_ptr<executor_op, Alloc>::destroy(alloc, self);
    if (owner) std::move(f)();
  }

  Function function_;
  Alloc alloc_;
};

}  // namespace asio_directsockets::detail
