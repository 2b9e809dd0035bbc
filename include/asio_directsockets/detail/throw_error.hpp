#pragma once

#include <boost/system/system_error.hpp>

namespace asio_directsockets::detail {

// The throwing overloads report failures as Boost.Asio does.
inline void throw_error(const boost::system::error_code& ec, const char* location) {
  if (ec) throw boost::system::system_error(ec, location);
}

}  // namespace asio_directsockets::detail
