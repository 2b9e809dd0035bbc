// The client side of every native benchmark, written once against `net` and
// built twice (bench_client_stock, bench_client_ours). One run = one scenario
// = one JSON line on stdout (see docs/benchmarks.md#json-rows):
//   bench_client SCENARIO --port P [--msg N] [--conns C] [--secs S] [--warm W]
//                [--window W] [--server-pid PID]
// SCENARIO: tcp_echo udp_rr udp_flood tcp_connect mem_idle mem_slow_reader
//           tcp_upload tcp_download.
// The port is the matching one printed by bench_server.
#include "common/net_select.hpp"

#include "scenarios/mem_idle.hpp"
#include "scenarios/mem_slow_reader.hpp"
#include "scenarios/tcp_bulk.hpp"
#include "scenarios/tcp_connect.hpp"
#include "scenarios/tcp_echo.hpp"
#include "scenarios/udp_echo.hpp"

#include <cstdio>
#include <exception>
#include <string>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s SCENARIO --port P [--key value ...]\n", argv[0]);
    return 2;
  }
  const std::string scenario = argv[1];
  bench::raise_fd_limit();
  try {
    bench::args a(argc, argv, 2);
    if (scenario == "tcp_echo") return bench::run_tcp_echo(a);
    if (scenario == "udp_rr") return bench::run_udp(a, false);
    if (scenario == "udp_flood") return bench::run_udp(a, true);
    if (scenario == "tcp_connect") return bench::run_tcp_connect(a);
    if (scenario == "mem_idle") return bench::run_mem_idle(a);
    if (scenario == "mem_slow_reader") return bench::run_mem_slow_reader(a);
    if (scenario == "tcp_upload") return bench::run_tcp_bulk(a, true);
    if (scenario == "tcp_download") return bench::run_tcp_bulk(a, false);
    std::fprintf(stderr, "unknown scenario %s\n", scenario.c_str());
    return 2;
  } catch (const std::exception& e) {
    return bench::fail(scenario.c_str(), 0, 0, e.what());
  }
}
