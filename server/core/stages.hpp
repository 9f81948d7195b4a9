// The stages a collaboration moves through, from the research the product is built on:
// partners first work in isolation, then communicate, coordinate, collaborate and at last
// integrate their work. A stage check-in (VoteMethod::stage) asks members which one they
// are at; the minutes of a series chart how the answers moved.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace rt::core {

struct Stage {
  std::string_view id;
  std::string_view title;
};
inline constexpr std::array<Stage, 5> kStages{{{"isolation", "Isolation"},
                                               {"communication", "Communication"},
                                               {"coordination", "Coordination"},
                                               {"collaboration", "Collaboration"},
                                               {"integration", "Integration"}}};

// The position of stage `id` in kStages, or nullopt.
inline std::optional<size_t> stage_index(std::string_view id) {
  for (size_t i = 0; i < kStages.size(); ++i) {
    if (kStages[i].id == id) return i;
  }
  return std::nullopt;
}

}  // namespace rt::core
