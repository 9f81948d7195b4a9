#include "core/replay.hpp"

#include "core/event.hpp"

namespace rt::core {

Meeting replay(const std::string& snapshot_state, const std::vector<std::string>& events) {
  Meeting m;
  if (!snapshot_state.empty()) m = state_from_json(nlohmann::json::parse(snapshot_state));
  for (const auto& text : events) apply(m, event_from_json(nlohmann::json::parse(text)));
  return m;
}

}  // namespace rt::core
