// What /proc says about the server (and Redis): CPU time and resident memory, read from
// outside so the server needs no benchmark hooks.
#pragma once

#include <cstdint>
#include <optional>

namespace loadgen {

// utime + stime of a process, in seconds (/proc/<pid>/stat), or nothing if it is gone.
std::optional<double> process_cpu_seconds(int pid);
// VmRSS of a process in KiB (/proc/<pid>/status), or nothing if it is gone.
std::optional<int64_t> process_rss_kib(int pid);
// CPU time (user + system) of this process so far, in seconds.
double own_cpu_seconds();
// The process holding a TCP socket listening on 127.0.0.1/0.0.0.0 `port` (found through
// /proc/net/tcp and the socket inodes under /proc/*/fd), or 0. Needs permission to read
// the other process' fd directory: the same user, or root.
int pid_listening_on(uint16_t port);

}  // namespace loadgen
