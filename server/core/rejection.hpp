// A refused client message: a stable machine code (see protocol/PROTOCOL.md, "Error codes")
// and a message for humans.
#pragma once

#include <cstddef>
#include <string>
#include <utility>

namespace rt::core {

struct Rejection {
  std::string code;
  std::string message;
};

// Thrown deep inside core's decoder and reducer and caught at their entry points, which
// return the rejection as a value: nothing outside core sees this exception.
struct Refused {
  Rejection rejection;
};

[[noreturn]] inline void refuse(std::string code, std::string message) {
  throw Refused{{std::move(code), std::move(message)}};
}

// The meeting already holds `limit` of `what` (participants, action items, votes, ...).
[[noreturn]] inline void refuse_over_limit(size_t limit, const std::string& what) {
  refuse("limit_reached",
         "this meeting has reached its limit of " + std::to_string(limit) + " " + what);
}

}  // namespace rt::core
