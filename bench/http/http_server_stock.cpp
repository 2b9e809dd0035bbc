// examples/http_server/http_server.cpp, unchanged, compiled natively against stock Boost.Asio:
// the example's alias line `namespace net = asio_directsockets;` then names boost::asio (this
// target does not link asio_directsockets, so nothing else of the library is seen). It is the
// `stock@native` server of the HTTP benchmark (bench/http_runner.py).
#include <boost/asio.hpp>

namespace asio_directsockets = boost::asio;

#include "../../examples/http_server/http_server.cpp"
