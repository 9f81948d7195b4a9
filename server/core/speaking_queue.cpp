#include "core/speaking_queue.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/rejection.hpp"

namespace rt::core {
namespace {

Drafts one(const char* kind, nlohmann::json data) {
  return {Draft{kind, std::move(data)}};
}

class QueueDecider {
 public:
  QueueDecider(const SpeakingQueue& q, const std::string& actor, bool facilitator)
      : q_(q), actor_(actor), facilitator_(facilitator) {}

  Drafts operator()(const RaiseHand&) const {
    if (q_.has_hand(actor_)) refuse("bad_state", "your hand is already raised");
    return one("hand_raised", {{"participantId", actor_}});
  }
  Drafts operator()(const LowerHand& c) const {
    const std::string& whose = c.participant_id.value_or(actor_);
    if (whose != actor_ && !facilitator_) {
      refuse("forbidden", "only the facilitator can lower someone else's hand");
    }
    if (!q_.has_hand(whose)) {
      refuse("bad_state", whose == actor_ ? "your hand is not raised"
                                          : "the hand of " + whose + " is not raised");
    }
    return one("hand_lowered", {{"participantId", whose}});
  }
  Drafts operator()(const CallNext& c) const {
    require_facilitator("call the next speaker");
    if (q_.hands.empty()) refuse("bad_state", "no hand is raised");
    std::string who = c.participant_id.value_or(q_.in_order().front().participant_id);
    if (!q_.has_hand(who)) refuse("bad_state", "the hand of " + who + " is not raised");
    return one("speaker_called", {{"participantId", who}});
  }
  Drafts operator()(const ClearQueue&) const {
    require_facilitator("clear the queue");
    return one("queue_cleared", nlohmann::json::object());
  }
  Drafts operator()(const SetQueueOrder& c) const {
    require_facilitator("change the queue order");
    return one("queue_order_set", {{"order", name_of(c.order)}});
  }

 private:
  void require_facilitator(const char* what) const {
    if (!facilitator_) refuse("forbidden", std::string("only the facilitator can ") + what);
  }

  const SpeakingQueue& q_;
  const std::string& actor_;
  bool facilitator_;
};

void erase_hand(SpeakingQueue& q, const std::string& pid) {
  auto it = std::find_if(q.hands.begin(), q.hands.end(),
                         [&](const RaisedHand& h) { return h.participant_id == pid; });
  if (it == q.hands.end()) throw std::logic_error("event lowers a hand that is not raised");
  q.hands.erase(it);
}

}  // namespace

bool SpeakingQueue::has_hand(const std::string& participant_id) const {
  return std::any_of(hands.begin(), hands.end(),
                     [&](const RaisedHand& h) { return h.participant_id == participant_id; });
}

std::vector<RaisedHand> SpeakingQueue::in_order() const {
  std::vector<RaisedHand> out = hands;
  if (order == QueueOrder::fewest_turns) {
    auto turns_of = [&](const RaisedHand& h) {
      auto it = turns.find(h.participant_id);
      return it == turns.end() ? uint64_t{0} : it->second;
    };
    // Stable: equal turns keep the order the hands went up.
    std::stable_sort(out.begin(), out.end(), [&](const RaisedHand& a, const RaisedHand& b) {
      return turns_of(a) < turns_of(b);
    });
  }
  return out;
}

Drafts decide_queue(const SpeakingQueue& q, const std::string& actor, bool facilitator,
                    const QueueCommand& c) {
  return std::visit(QueueDecider(q, actor, facilitator), c);
}

Drafts clear_queue_at_end(const SpeakingQueue& q) {
  if (q.hands.empty() && q.speaker.empty()) return {};
  return one("queue_cleared", nlohmann::json::object());
}

bool apply_queue_event(SpeakingQueue& q, const std::string& kind, const nlohmann::json& d,
                       int64_t at) {
  if (kind == "hand_raised") {
    q.hands.push_back({d.at("participantId").get<std::string>(), at});
  } else if (kind == "hand_lowered") {
    erase_hand(q, d.at("participantId").get<std::string>());
  } else if (kind == "speaker_called") {
    auto pid = d.at("participantId").get<std::string>();
    erase_hand(q, pid);
    ++q.turns[pid];
    q.speaker = pid;
  } else if (kind == "queue_cleared") {
    q.hands.clear();
    q.speaker.clear();
  } else if (kind == "queue_order_set") {
    auto order = parse_queue_order(d.at("order").get<std::string>());
    if (!order) throw std::logic_error("event has an unknown queue order");
    q.order = *order;
  } else {
    return false;
  }
  return true;
}

nlohmann::json queue_json(const SpeakingQueue& q) {
  nlohmann::json hands = nlohmann::json::array();
  for (const auto& h : q.hands) {
    hands.push_back({{"participantId", h.participant_id}, {"raisedAt", h.raised_at}});
  }
  return {{"order", name_of(q.order)},
          {"hands", std::move(hands)},
          {"turns", q.turns},
          {"speaker", q.speaker.empty() ? nlohmann::json(nullptr) : nlohmann::json(q.speaker)}};
}

SpeakingQueue queue_from_json(const nlohmann::json& j) {
  SpeakingQueue q;
  auto order = parse_queue_order(j.at("order").get<std::string>());
  if (!order) throw std::invalid_argument("unknown queue order");
  q.order = *order;
  for (const auto& h : j.at("hands")) {
    q.hands.push_back({h.at("participantId").get<std::string>(), h.at("raisedAt").get<int64_t>()});
  }
  q.turns = j.at("turns").get<std::map<std::string, uint64_t>>();
  if (!j.at("speaker").is_null()) q.speaker = j.at("speaker").get<std::string>();
  return q;
}

}  // namespace rt::core
