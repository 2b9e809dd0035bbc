// The whole conformance suite. Include after defining `namespace net = ...;`.
#include "fixture.hpp"

#include "tcp_echo.ipp"
