// boost::asio::basic_waitable_timer<Clock, WaitTraits, Executor> for every
// clock, i.e. boost::asio::steady_timer, system_timer, high_resolution_timer
// (and the timers inside Beast's basic_stream) and timers on user-defined
// clocks: this library's timer_object.
#pragma once

#include <asio_directsockets/adopted/protocols.hpp>
#include <asio_directsockets/objects/timer_object.hpp>

#include <boost/asio/basic_waitable_timer.hpp>

#include <type_traits>
#include <utility>

namespace boost::asio {

template <typename Clock, typename WaitTraits, typename Executor>
requires asio_directsockets::adopted::clock<Clock>
class basic_waitable_timer<Clock, WaitTraits, Executor>
    : public asio_directsockets::objects::timer_object<Clock, WaitTraits, Executor> {
  using body = asio_directsockets::objects::timer_object<Clock, WaitTraits, Executor>;

 public:
  template <typename Executor1>
  struct rebind_executor {
    using other = basic_waitable_timer<Clock, WaitTraits, Executor1>;
  };

  using body::body;
  basic_waitable_timer(basic_waitable_timer&&) = default;
  basic_waitable_timer& operator=(basic_waitable_timer&&) = default;
  template <typename Executor1,
            std::enable_if_t<std::is_convertible_v<Executor1, Executor>, int> = 0>
  basic_waitable_timer(basic_waitable_timer<Clock, WaitTraits, Executor1>&& other)
      : body(std::move(other)) {}
};

}  // namespace boost::asio
