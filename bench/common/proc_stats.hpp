// Process-level figures read from /proc: resident memory (ours or the
// server's, by pid) and CPU time actually spent running, which is far less
// noisy than wall-clock rates on a shared 2-core machine. In the browser build
// the browser driver reads them for the program (host.hpp): "our" CPU is then
// that of the browser's processes, and our own RSS is not defined (-1; the
// memory scenarios measure the wasm and JS heaps instead).
#pragma once

#include "host.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <string>

namespace bench {

// VmRSS or VmHWM ("peak") of a process in KiB; -1 if unreadable.
inline long long status_kib(int pid, const char* key) {
#if defined(__EMSCRIPTEN__)
  if (pid <= 0 || std::strcmp(key, "VmRSS") != 0) return -1;
  return static_cast<long long>(host::number("/api/rss?pid=" + std::to_string(pid)));
#else
  std::ifstream in("/proc/" + (pid > 0 ? std::to_string(pid) : std::string("self")) + "/status");
  std::string line;
  const std::size_t n = std::strlen(key);
  while (std::getline(in, line))
    if (line.compare(0, n, key) == 0 && line.size() > n && line[n] == ':')
      return std::stoll(line.substr(n + 1));
  return -1;
#endif
}
inline long long rss_kib(int pid = 0) {
  return status_kib(pid, "VmRSS");
}
inline long long peak_rss_kib(int pid = 0) {
  return status_kib(pid, "VmHWM");
}

// Nanoseconds the process's threads have run on a CPU (user + system): our
// own from getrusage, another process's summed over its threads' schedstat
// (nanosecond precision; stat's clock ticks are 10 ms). -1 if unreadable.
inline long long cpu_ns(int pid = 0) {
#if defined(__EMSCRIPTEN__)
  return static_cast<long long>(host::number(pid > 0 ? "/api/cpu?pid=" + std::to_string(pid)
                                                     : std::string("/api/cpu?who=client")));
#else
  if (pid <= 0) {
    rusage ru{};
    if (getrusage(RUSAGE_SELF, &ru) != 0) return -1;
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
  }
  const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
  DIR* dir = opendir(tasks.c_str());
  if (!dir) return -1;
  long long total = 0;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream in(tasks + "/" + e->d_name + "/schedstat");
    long long ns = 0;
    if (in >> ns) total += ns;
  }
  closedir(dir);
  return total;
#endif
}

// 1000+ sockets per process need more than the usual 1024 descriptors.
inline void raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

}  // namespace bench
