// roundtable_loadgen: a load generator for the Roundtable server that speaks the real
// protocol (HTTP to create meetings, WebSocket clients that join and send commands) and
// prints one JSON line of what it measured. See load_run.hpp; tests/load/run_suite.sh runs
// the standard workloads of issue 7.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>

#include "coedit_run.hpp"
#include "load_run.hpp"
#include "options.hpp"
#include "proc_stats.hpp"
#include "report.hpp"
#include "vote_run.hpp"

namespace {

// Runs one scenario to the end on one I/O thread for every client (no locks, and one clock
// for sends and receipts), prints its JSON line and exits: 0 when it completed with
// nothing lost or duplicated.
template <class Run>
[[noreturn]] void run_and_report(const loadgen::Options& options, int server_pid) {
  boost::asio::io_context ioc(1);
  Run run(ioc, options, server_pid);
  std::exception_ptr failure;
  boost::asio::co_spawn(ioc, run.run(), [&](std::exception_ptr e) {
    failure = e;
    ioc.stop();
  });
  ioc.run();

  auto figures = run.figures();
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      figures.error = std::string("unexpected: ") + e.what();
    }
  }
  std::cout << loadgen::to_json_line(figures) << std::endl;
  const bool clean =
      figures.error.empty() && figures.lost_deliveries == 0 && figures.duplicated_deliveries == 0;
  // Skip tearing down thousands of sockets one by one with handlers still pending: the
  // kernel closes them all at exit, which is what the server sees of a crashed client too.
  std::fflush(stdout);
  std::_Exit(clean ? 0 : 1);
}

}  // namespace

int main(int argc, char** argv) {
  auto options = loadgen::parse_options(argc, argv);
  if (!options) return 2;
  int server_pid = options->server_pid;
  if (server_pid == 0) server_pid = loadgen::pid_listening_on(options->port);
  if (server_pid == 0) {
    std::cerr << "roundtable_loadgen: no process found listening on port " << options->port
              << "; pass --server-pid (CPU and memory figures will be null)\n";
  }

  if (options->scenario == "vote-close") run_and_report<loadgen::VoteRun>(*options, server_pid);
  if (options->scenario == "coedit") run_and_report<loadgen::CoeditRun>(*options, server_pid);
  run_and_report<loadgen::LoadRun>(*options, server_pid);
}
