// A meeting's committed state and a second copy of it to decide the next group commit on.
//
// The draft used to be a fresh copy of the state for every commit. In a meeting of 500 people
// that copy (every participant with its remembered cids, every item, the text histories)
// was most of the server's allocations: 500 commits/s made a million mallocs and frees per
// second. Instead the second copy is kept equal to the committed one by applying the same
// events to it, which is what replaying the log relies on anyway: folding the same events
// onto the same state gives the same state.
#pragma once

#include <vector>

#include "core/event.hpp"
#include "core/meeting.hpp"

namespace rt::core {

class StagedMeeting {
 public:
  explicit StagedMeeting(Meeting committed);

  const Meeting& committed() const { return committed_; }

  // The copy to decide the next commit on: equal to committed() when handed out. Apply the
  // accepted events to it, then commit() or abandon().
  Meeting& draft();
  // The draft's events (`events`, all of them, in order) are committed: the draft becomes
  // the committed state, and the old one catches up to be the next draft.
  void commit(const std::vector<Event>& events);
  // The draft's events were not committed: it is copied afresh next time.
  void abandon();
  // An event committed by another instance, or read back from the log: applied to both.
  void apply_committed(const Event& e);
  // A state from elsewhere (a reload): becomes the committed state.
  void replace(Meeting committed);

 private:
  Meeting committed_;
  Meeting spare_;
  bool spare_current_ = false;  // spare_ equals committed_
};

}  // namespace rt::core
