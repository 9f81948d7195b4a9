// The closed sets of the domain and their wire names. Parsing returns nullopt for a name
// outside the set, so a bad value is always a visible `invalid_value`, never a default.
#pragma once

#include <optional>
#include <string_view>

namespace rt::core {

enum class Role { facilitator, member, observer };
enum class Attendance { room, remote };
enum class Phase { lobby, live, ended };
enum class ItemStatus { proposed, agreed, in_progress, done, dropped };
// The text fields edited collaboratively: the goal, and each item's title and notes.
enum class TextField { goal, title, notes };
// Live votes (vote.hpp).
// stage: the anonymous check-in "which stage is our collaboration at?" (stages.hpp).
enum class VoteMethod { consent, fist, dots, stage };
enum class VoteVisibility { open, anonymous };
enum class VoteResults { live, hidden };
// Partner-update slots (partner_updates.hpp) and the speaking queue (speaking_queue.hpp).
enum class SlotState { pending, running, paused, done, skipped };
enum class QueueOrder { raised, fewest_turns };

std::string_view name_of(Role v);
std::string_view name_of(Attendance v);
std::string_view name_of(Phase v);
std::string_view name_of(ItemStatus v);
std::string_view name_of(TextField v);
std::string_view name_of(VoteMethod v);
std::string_view name_of(VoteVisibility v);
std::string_view name_of(VoteResults v);
std::string_view name_of(SlotState v);
std::string_view name_of(QueueOrder v);

std::optional<Role> parse_role(std::string_view s);
std::optional<Attendance> parse_attendance(std::string_view s);
std::optional<Phase> parse_phase(std::string_view s);
std::optional<ItemStatus> parse_item_status(std::string_view s);
std::optional<TextField> parse_text_field(std::string_view s);
std::optional<VoteMethod> parse_vote_method(std::string_view s);
std::optional<VoteVisibility> parse_vote_visibility(std::string_view s);
std::optional<VoteResults> parse_vote_results(std::string_view s);
std::optional<SlotState> parse_slot_state(std::string_view s);
std::optional<QueueOrder> parse_queue_order(std::string_view s);

}  // namespace rt::core
