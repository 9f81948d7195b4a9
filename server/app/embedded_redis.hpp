// The embedded Redis: a redis-server child on a private loopback port, with its data
// directory and AOF on, stopped cleanly (SIGTERM: it flushes the AOF) when we stop.
// It runs in its own process group, so a Ctrl-C in the terminal reaches only roundtable,
// which then stops it in order; and it is told to die with us (PR_SET_PDEATHSIG) so a
// kill -9 of roundtable leaves no orphan holding the data directory.
#pragma once

#include <sys/types.h>
#include <string>

namespace rt::app {

// What the embedded Redis writes to disk (--durability).
enum class Persistence {
  none,      // nothing: benchmarks only, to show what durability costs; a restart loses all
  everysec,  // AOF, fsync once a second
  always,    // AOF, fsync before each reply
};

class EmbeddedRedis {
 public:
  // Throws std::runtime_error when the data directory or the child cannot be made.
  EmbeddedRedis(const std::string& redis_server, const std::string& data_dir,
                Persistence persistence);
  ~EmbeddedRedis();
  EmbeddedRedis(const EmbeddedRedis&) = delete;
  EmbeddedRedis& operator=(const EmbeddedRedis&) = delete;

  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  void stop();

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace rt::app
