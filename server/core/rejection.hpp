// A refused client message: a stable machine code (see protocol/PROTOCOL.md, "Error codes")
// and a message for humans.
#pragma once

#include <string>

namespace rt::core {

struct Rejection {
  std::string code;
  std::string message;
};

}  // namespace rt::core
