// boost::asio::basic_signal_set<Executor>, i.e. boost::asio::signal_set, in
// the browser build: this library's signal_set_object (a browser has no
// signals; waits pend until cancelled). Natively Boost's own signal_set
// stays, running beside the loop (docs/drop-in.md).
#pragma once

#if defined(__EMSCRIPTEN__)

#include <asio_directsockets/objects/signal_set_object.hpp>

#include <boost/asio/basic_signal_set.hpp>

namespace asio_directsockets::adopted {
// Every executor: the constraint only makes the specialisation "more
// constrained" than Boost's primary template, as C++20 requires.
template <typename Executor>
concept any_executor = true;
}  // namespace asio_directsockets::adopted

namespace boost::asio {

template <typename Executor>
requires asio_directsockets::adopted::any_executor<Executor>
class basic_signal_set<Executor> : public asio_directsockets::objects::signal_set_object<Executor> {
  using body = asio_directsockets::objects::signal_set_object<Executor>;

 public:
  template <typename Executor1>
  struct rebind_executor {
    using other = basic_signal_set<Executor1>;
  };
  using body::body;
};

}  // namespace boost::asio

#endif
