#include "app/embedded_redis.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/log.hpp"

namespace rt::app {
namespace {

// Asks the kernel for a free loopback port. Another process could take it before
// redis-server binds it; then redis-server exits and we report it.
int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("no free loopback port: " + std::string(std::strerror(errno)));
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

EmbeddedRedis::EmbeddedRedis(const std::string& redis_server, const std::string& data_dir,
                             Persistence persistence) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec)
    throw std::runtime_error("cannot create data directory " + data_dir + ": " + ec.message());
  std::string dir = std::filesystem::absolute(data_dir).string();
  port_ = free_loopback_port();
  std::vector<std::string> args = {redis_server,
                                   "--port",
                                   std::to_string(port_),
                                   "--bind",
                                   "127.0.0.1",
                                   "--protected-mode",
                                   "yes",
                                   "--dir",
                                   dir,
                                   "--appendonly",
                                   persistence == Persistence::none ? "no" : "yes",
                                   "--appendfsync",
                                   persistence == Persistence::always ? "always" : "everysec",
                                   "--save",
                                   "",
                                   "--daemonize",
                                   "no",
                                   "--logfile",
                                   dir + "/redis.log"};
  pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork: " + std::string(std::strerror(errno)));
  if (pid_ == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);  // the parent died before prctl took effect
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  log::info("embedded redis started",
            {{"pid", std::to_string(pid_)}, {"port", std::to_string(port_)}, {"dir", dir}});
}

EmbeddedRedis::~EmbeddedRedis() {
  stop();
}

void EmbeddedRedis::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  // Redis finishes its AOF write on SIGTERM; give it time, then insist.
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  log::warn("embedded redis did not stop in 5 s; killing it");
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace rt::app
