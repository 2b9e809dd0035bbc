#include <asio_directsockets/detail/resolve_worker.hpp>

namespace asio_directsockets::detail {

resolve_worker::resolve_worker(boost::asio::execution_context& ctx)
    : boost::asio::execution_context::service(ctx), scheduler_(context_of(ctx).impl()) {}

resolve_worker::~resolve_worker() {
  shutdown();
}

void resolve_worker::start(resolve_op* op) {
  scheduler_.work_started();
#if defined(__EMSCRIPTEN__)
  // Emscripten's getaddrinfo answers from memory without I/O: no thread needed (with -pthread
  // one would also have to wake the runner across threads for each lookup).
  op->run();
  scheduler_.post_deferred_completion(op);
#else
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) {
    op->destroy();
    return;
  }
  if (!thread_.joinable()) thread_ = std::thread([this] { worker_loop(); });
  queue_.push_back(op);
  wake_.notify_one();
#endif
}

void resolve_worker::worker_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    resolve_op* op = queue_.front();
    queue_.pop_front();
    lock.unlock();
    op->run();
    scheduler_.post_deferred_completion(op);
    lock.lock();
  }
}

void resolve_worker::shutdown() {
  std::deque<resolve_op*> abandoned;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    abandoned.swap(queue_);
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (resolve_op* op : abandoned)
    op->destroy();
}

}  // namespace asio_directsockets::detail
