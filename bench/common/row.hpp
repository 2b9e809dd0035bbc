// The fields every measurement row starts with, and the CPU figures every
// rate scenario appends (CPU per operation is the steadiest number on a noisy
// machine: it does not depend on how client and server share the cores).
#pragma once

#include "json_line.hpp"
#include "net_select.hpp"
#include "window.hpp"

namespace bench {

inline constexpr int schema_version = 1;

inline json_line row(const char* scenario, long long msg, long long conns) {
  json_line j;
  j.field("schema", schema_version)
      .field("impl", impl_name)
      .field("platform", platform_name)
      .field("scenario", scenario)
      .field("msg", msg)
      .field("conns", conns);
  return j;
}

inline void add_cpu(json_line& j, const window& w, double ops) {
  if (ops <= 0 || w.client_cpu_s() < 0) return;
  j.value("cpu_client_per_op", w.client_cpu_s() * 1e6 / ops, "us");
  if (w.server_cpu_s() >= 0) {
    j.value("cpu_server_per_op", w.server_cpu_s() * 1e6 / ops, "us");
    j.value("cpu_per_op", (w.client_cpu_s() + w.server_cpu_s()) * 1e6 / ops, "us");
  }
}

// A failed measurement is a row too, so the runner and the report see it.
inline int fail(const char* scenario, long long msg, long long conns, const std::string& what) {
  row(scenario, msg, conns).field("error", what).print();
  return 1;
}

}  // namespace bench
