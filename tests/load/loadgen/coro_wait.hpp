// Waiting inside the generator's coroutines. Every client's state changes in read handlers
// on the one I/O thread, so a coroutine waits for a condition by polling it between sleeps.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "ws_client.hpp"

namespace loadgen {

inline boost::asio::awaitable<void> sleep_for(Clock::duration d) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, d);
  co_await timer.async_wait(boost::asio::use_awaitable);
}

// Polls `done` until it holds (true) or `deadline` passes (false).
template <class Done>
boost::asio::awaitable<bool> wait_until(Done done, Clock::time_point deadline,
                                        Clock::duration poll = std::chrono::milliseconds(10)) {
  while (!done()) {
    if (Clock::now() >= deadline) co_return false;
    co_await sleep_for(poll);
  }
  co_return true;
}

}  // namespace loadgen
