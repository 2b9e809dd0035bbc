// boost::asio::basic_deadline_timer<Time, TimeTraits, Executor>, i.e.
// boost::asio::deadline_timer (and the two inside ssl::stream), on every
// TimeTraits Boost.Asio's own accepts: this library's deadline_timer_object.
// Without it, the first deadline_timer would start Boost's scheduler and a
// hidden thread in the program (in the browser build: abort at start).
#pragma once

#include <boost/asio/detail/config.hpp>

#if defined(BOOST_ASIO_HAS_BOOST_DATE_TIME)

#include <asio_directsockets/adopted/protocols.hpp>
#include <asio_directsockets/objects/deadline_timer_object.hpp>

#include <boost/asio/basic_deadline_timer.hpp>

#include <utility>

namespace boost::asio {

template <typename Time, typename TimeTraits, typename Executor>
requires asio_directsockets::adopted::time_traits<TimeTraits>
class basic_deadline_timer<Time, TimeTraits, Executor>
    : public asio_directsockets::objects::deadline_timer_object<Time, TimeTraits, Executor> {
  using body = asio_directsockets::objects::deadline_timer_object<Time, TimeTraits, Executor>;

 public:
  template <typename Executor1>
  struct rebind_executor {
    using other = basic_deadline_timer<Time, TimeTraits, Executor1>;
  };

  using body::body;
  basic_deadline_timer(basic_deadline_timer&&) = default;
  basic_deadline_timer& operator=(basic_deadline_timer&&) = default;
};

}  // namespace boost::asio

#endif  // BOOST_ASIO_HAS_BOOST_DATE_TIME
