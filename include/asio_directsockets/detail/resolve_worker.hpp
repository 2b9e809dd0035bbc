// Name resolution must never block the loop, and getaddrinfo() blocks. Each
// context gets one worker thread (started on first use) that runs lookups in
// order and posts each finished lookup back to the context, as Asio does.
#pragma once

#include <asio_directsockets/detail/context_of.hpp>
#include <asio_directsockets/detail/operation.hpp>

#include <boost/asio/execution_context.hpp>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace asio_directsockets::detail {

// An operation whose work (the lookup) runs on the worker thread.
class resolve_op : public operation {
 public:
  using run_func_type = void (*)(resolve_op*);
  void run() { run_func_(this); }

 protected:
  resolve_op(run_func_type run, func_type complete) : operation(complete), run_func_(run) {}

 private:
  run_func_type run_func_;
};

class resolve_worker : public boost::asio::execution_context::service {
 public:
  using key_type = resolve_worker;
  static inline boost::asio::execution_context::id id;

  explicit resolve_worker(boost::asio::execution_context& ctx);
  ~resolve_worker() override;

  // Counts the op as outstanding work, runs it off-loop, then completes it.
  void start(resolve_op* op);

 private:
  void shutdown() override;
  void worker_loop();

  scheduler& scheduler_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<resolve_op*> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace asio_directsockets::detail
