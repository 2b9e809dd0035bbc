// Whether the io_context an I/O object was made on still exists.
//
// Boost.Asio leaves destroying an I/O object after its context undefined; in
// practice it passes quietly, and programs rely on it (a static socket, a
// socket that outlives a context local to a function). Here such an object's
// destructor sees that its context is gone and only frees what it owns itself
// (its descriptor), without touching the dead context's reactor or queues.
#pragma once

#include <atomic>
#include <memory>

namespace asio_directsockets::detail {

class context_lifetime {
 public:
  // What an I/O object keeps: one shared flag per context.
  class watch {
   public:
    watch() = default;
    bool alive() const noexcept { return alive_ && alive_->load(std::memory_order_acquire); }

   private:
    friend class context_lifetime;
    explicit watch(std::shared_ptr<const std::atomic<bool>> alive) noexcept
        : alive_(std::move(alive)) {}
    std::shared_ptr<const std::atomic<bool>> alive_;
  };

  context_lifetime() : alive_(std::make_shared<std::atomic<bool>>(true)) {}
  context_lifetime(const context_lifetime&) = delete;
  context_lifetime& operator=(const context_lifetime&) = delete;
  ~context_lifetime() { alive_->store(false, std::memory_order_release); }

  watch make_watch() const noexcept { return watch(alive_); }

 private:
  std::shared_ptr<std::atomic<bool>> alive_;
};

}  // namespace asio_directsockets::detail
