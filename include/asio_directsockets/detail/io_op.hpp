// Joins a backend operation (Base: the system call and its result) with a
// completion handler. Base supplies take_result(ec, bytes) -> std::tuple of
// the handler's arguments; everything else here is common to every async call.
#pragma once

#include <asio_directsockets/detail/handler_alloc.hpp>
#include <asio_directsockets/detail/handler_work.hpp>

#include <boost/asio/associated_cancellation_slot.hpp>

#include <utility>

namespace asio_directsockets::detail {

template <typename Base, typename Handler, typename IoExecutor>
class io_op : public Base {
 public:
  template <typename H, typename... BaseArgs>
  io_op(H&& h, const IoExecutor& io_ex, BaseArgs&&... args)
      : Base(&io_op::do_complete, std::forward<BaseArgs>(args)...),
        handler_(std::forward<H>(h)),
        work_(handler_, io_ex) {}

  template <typename H, typename... BaseArgs>
  static io_op* make(H&& h, const IoExecutor& io_ex, BaseArgs&&... args) {
    auto alloc = op_allocator(h);
    return op_ptr<io_op, decltype(alloc)>::make(alloc, std::forward<H>(h), io_ex,
                                                std::forward<BaseArgs>(args)...);
  }

  Handler& handler() noexcept { return handler_; }

  // Installs a per-operation cancellation handler in the handler's slot and
  // keys the op to it. Cancel(type) runs on the thread emitting the signal.
  // The handler stays in the slot after completion (as in Asio): the key no
  // longer matches any pending op then, so a late signal does nothing.
  template <typename Cancel>
  void set_cancellation(Cancel&& cancel) {
    auto slot = boost::asio::get_associated_cancellation_slot(handler_);
    if (slot.is_connected())
      this->cancellation_key_ =
          &slot.template emplace<std::decay_t<Cancel>>(std::forward<Cancel>(cancel));
  }

 private:
  static void do_complete(void* owner, operation* base, const boost::system::error_code& ec,
                          std::size_t bytes) {
    auto* self = static_cast<io_op*>(base);
    auto alloc = op_allocator(self->handler_);
    Handler handler(std::move(self->handler_));
    handler_work<Handler, IoExecutor> work(std::move(self->work_));
    auto result = self->take_result(ec, bytes, owner != nullptr);
    op_ptr<io_op, decltype(alloc)>::destroy(alloc, self);
    if (!owner) return;
    work.complete(bind_result(std::move(handler), std::move(result)));
  }

  Handler handler_;
  handler_work<Handler, IoExecutor> work_;
};

}  // namespace asio_directsockets::detail
