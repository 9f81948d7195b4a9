// The speaking queue: raised hands, in the order they went up or favouring those who have
// spoken least (PROTOCOL.md, "Speaking queue"). Pure; the reducer checks roles first.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/draft.hpp"
#include "core/enums.hpp"

namespace rt::core {

struct RaisedHand {
  std::string participant_id;
  int64_t raised_at = 0;
};

struct SpeakingQueue {
  QueueOrder order = QueueOrder::raised;
  std::vector<RaisedHand> hands;          // in the order they went up
  std::map<std::string, uint64_t> turns;  // participant -> times called in this meeting
  std::string speaker;                    // the last one called; empty: nobody

  bool has_hand(const std::string& participant_id) const;
  // The hands as the facilitator calls them: by `order`.
  std::vector<RaisedHand> in_order() const;
};

struct RaiseHand {};
struct LowerHand {
  std::optional<std::string> participant_id;  // default: the actor's own hand
};
struct CallNext {
  std::optional<std::string> participant_id;  // default: the first in queue order
};
struct ClearQueue {};
struct SetQueueOrder {
  QueueOrder order = QueueOrder::raised;
};
using QueueCommand = std::variant<RaiseHand, LowerHand, CallNext, ClearQueue, SetQueueOrder>;

// `actor` and whether they facilitate come from the reducer, which has checked that the
// actor may use the queue at all. Refuses with bad_state or forbidden.
Drafts decide_queue(const SpeakingQueue& q, const std::string& actor, bool facilitator,
                    const QueueCommand& c);
// When the meeting ends: hands come down.
Drafts clear_queue_at_end(const SpeakingQueue& q);

// Folds a queue event; false when `kind` is not one.
bool apply_queue_event(SpeakingQueue& q, const std::string& kind, const nlohmann::json& data,
                       int64_t at);

nlohmann::json queue_json(const SpeakingQueue& q);
SpeakingQueue queue_from_json(const nlohmann::json& j);

}  // namespace rt::core
