// Rebuilds a meeting from what the log holds: the latest snapshot (possibly none) and
// every event after it.
#pragma once

#include <string>
#include <vector>

#include "core/meeting.hpp"

namespace rt::core {

// Throws (nlohmann::json::exception, std::logic_error, std::invalid_argument) when the
// snapshot or an event is malformed or out of order.
Meeting replay(const std::string& snapshot_state, const std::vector<std::string>& events);

}  // namespace rt::core
