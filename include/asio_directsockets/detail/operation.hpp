// Type-erased unit of work queued on an io_context: a posted function or a
// completed I/O operation. One function pointer both completes (owner != null)
// and destroys (owner == null) the operation, as Asio's own ops do, so no
// virtual table is needed and a queue of ops is a plain intrusive list.
#pragma once

#include <boost/system/error_code.hpp>

#include <cstddef>

namespace asio_directsockets::detail {

class operation {
 public:
  using func_type = void (*)(void* owner, operation* op, const boost::system::error_code& ec,
                             std::size_t bytes);

  void complete(void* owner) { func_(owner, this, ec_, bytes_); }
  void destroy() { func_(nullptr, this, boost::system::error_code(), 0); }

  operation* next_ = nullptr;
  // Identifies the per-operation cancellation handler installed for this op
  // (its address), so a stale cancellation signal can never hit another op.
  void* cancellation_key_ = nullptr;
  boost::system::error_code ec_;
  std::size_t bytes_ = 0;

 protected:
  explicit operation(func_type f) : func_(f) {}
  ~operation() = default;

 private:
  func_type func_;
};

// Intrusive FIFO of operations; owns nothing until destroy_all() is called.
class op_queue {
 public:
  op_queue() = default;
  op_queue(const op_queue&) = delete;
  op_queue& operator=(const op_queue&) = delete;
  ~op_queue() { destroy_all(); }

  bool empty() const { return front_ == nullptr; }
  operation* front() const { return front_; }
  operation* back() const { return back_; }

  void push(operation* op) {
    op->next_ = nullptr;
    if (back_)
      back_->next_ = op;
    else
      front_ = op;
    back_ = op;
  }

  void push(op_queue& other) {
    if (other.empty()) return;
    if (back_)
      back_->next_ = other.front_;
    else
      front_ = other.front_;
    back_ = other.back_;
    other.front_ = other.back_ = nullptr;
  }

  operation* pop() {
    operation* op = front_;
    if (op) {
      front_ = op->next_;
      if (!front_) back_ = nullptr;
      op->next_ = nullptr;
    }
    return op;
  }

  // Unlinks op if present; returns whether it was found.
  bool remove(operation* op) {
    operation* prev = nullptr;
    for (operation* cur = front_; cur; prev = cur, cur = cur->next_) {
      if (cur != op) continue;
      (prev ? prev->next_ : front_) = cur->next_;
      if (back_ == cur) back_ = prev;
      cur->next_ = nullptr;
      return true;
    }
    return false;
  }

  // Unlinks the first op installed with this cancellation key, if any.
  operation* remove_by_key(void* key) {
    for (operation* cur = front_; cur; cur = cur->next_)
      if (cur->cancellation_key_ == key) return remove(cur) ? cur : nullptr;
    return nullptr;
  }

  void destroy_all() {
    while (operation* op = pop())
      op->destroy();
  }

 private:
  operation* front_ = nullptr;
  operation* back_ = nullptr;
};

}  // namespace asio_directsockets::detail
