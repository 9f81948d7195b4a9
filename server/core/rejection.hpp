// A refused client message: a stable machine code (see protocol/PROTOCOL.md, "Error codes")
// and a message for humans.
#pragma once

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

}  // namespace rt::core
