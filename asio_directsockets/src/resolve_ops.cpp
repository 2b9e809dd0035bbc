#include <asio_directsockets/detail/resolve_ops.hpp>

#include <cerrno>

namespace asio_directsockets::detail {

boost::system::error_code translate_addrinfo_error(int error) {
  namespace e = boost::asio::error;
  switch (error) {
    case 0:
      return {};
    case EAI_AGAIN:
      return e::host_not_found_try_again;
    case EAI_BADFLAGS:
      return e::invalid_argument;
    case EAI_FAIL:
      return e::no_recovery;
    case EAI_FAMILY:
      return e::address_family_not_supported;
    case EAI_MEMORY:
      return e::no_memory;
    case EAI_NONAME:
#if defined(EAI_ADDRFAMILY)
    case EAI_ADDRFAMILY:
#endif
#if defined(EAI_NODATA) && (EAI_NODATA != EAI_NONAME)
    case EAI_NODATA:
#endif
      return e::host_not_found;
    case EAI_SERVICE:
      return e::service_not_found;
    case EAI_SOCKTYPE:
      return e::socket_type_not_supported;
#if defined(EAI_SYSTEM)
    case EAI_SYSTEM:
      return boost::system::error_code(errno, e::get_system_category());
#endif
    default:  // Possibly the non-portable EAI_SYSTEM.
      return boost::system::error_code(errno ? errno : EINVAL, e::get_system_category());
  }
}

}  // namespace asio_directsockets::detail
