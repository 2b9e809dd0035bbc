#include <asio_directsockets/detail/backend/direct_sockets/bridge.hpp>

#include <boost/asio/error.hpp>

namespace asio_directsockets::detail::ds {

boost::system::error_code to_error_code(int r) {
  namespace e = boost::asio::error;
  switch (r) {
    case ok:
      return {};
    case eof:
      return e::eof;
    case connection_refused:
      return e::connection_refused;
    case host_unreachable:
      return e::host_unreachable;
    case timed_out:
      return e::timed_out;
    case access_denied:
      return e::access_denied;
    case invalid_argument:
      return e::invalid_argument;
    case connection_reset:
      return e::connection_reset;
    case broken_pipe:
      return e::broken_pipe;
    case operation_aborted:
      return e::operation_aborted;
    case host_not_found:
      return e::host_not_found;
    case network_down:
      return e::network_down;
    case address_in_use:
      return e::address_in_use;
    case not_connected:
      return e::not_connected;
    case bad_descriptor:
      return e::bad_descriptor;
    case not_supported:
      return e::operation_not_supported;
    case message_size:
      return e::message_size;
    case no_buffer_space:
      return e::no_buffer_space;
    case would_block:
      return e::would_block;
    default:
      return e::fault;  // a code this build does not know: never "success"
  }
}

}  // namespace asio_directsockets::detail::ds
