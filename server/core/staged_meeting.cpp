#include "core/staged_meeting.hpp"

#include <utility>

namespace rt::core {

StagedMeeting::StagedMeeting(Meeting committed) : committed_(std::move(committed)) {}

Meeting& StagedMeeting::draft() {
  if (!spare_current_) {
    spare_ = committed_;
    spare_current_ = true;
  }
  return spare_;
}

void StagedMeeting::commit(const std::vector<Event>& events) {
  std::swap(committed_, spare_);
  for (const auto& e : events) apply(spare_, e);
}

void StagedMeeting::abandon() {
  spare_current_ = false;
}

void StagedMeeting::apply_committed(const Event& e) {
  apply(committed_, e);
  if (spare_current_) apply(spare_, e);
}

void StagedMeeting::replace(Meeting committed) {
  committed_ = std::move(committed);
  spare_current_ = false;
}

}  // namespace rt::core
