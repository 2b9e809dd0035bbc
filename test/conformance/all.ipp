// The whole conformance suite. Include after defining `namespace net = ...;`.
#include "fixture.hpp"

#include "cancellation.ipp"
#include "descriptor.ipp"
#include "resolver.ipp"
#include "scale.ipp"
#include "tcp_bulk.ipp"
#include "tcp_echo.ipp"
#include "tcp_errors.ipp"
#include "timers.ipp"
#include "udp.ipp"
