#include "core/enums.hpp"

#include <array>
#include <utility>

namespace rt::core {
namespace {

template <class E, size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

constexpr Names<Role, 3> kRoles{
    {{Role::facilitator, "facilitator"}, {Role::member, "member"}, {Role::observer, "observer"}}};
constexpr Names<Attendance, 2> kAttendances{
    {{Attendance::room, "room"}, {Attendance::remote, "remote"}}};
constexpr Names<Phase, 3> kPhases{
    {{Phase::lobby, "lobby"}, {Phase::live, "live"}, {Phase::ended, "ended"}}};
constexpr Names<ItemStatus, 5> kStatuses{{{ItemStatus::proposed, "proposed"},
                                          {ItemStatus::agreed, "agreed"},
                                          {ItemStatus::in_progress, "in_progress"},
                                          {ItemStatus::done, "done"},
                                          {ItemStatus::dropped, "dropped"}}};

constexpr Names<TextField, 3> kTextFields{
    {{TextField::goal, "goal"}, {TextField::title, "title"}, {TextField::notes, "notes"}}};

constexpr Names<VoteMethod, 4> kVoteMethods{{{VoteMethod::consent, "consent"},
                                             {VoteMethod::fist, "fist"},
                                             {VoteMethod::dots, "dots"},
                                             {VoteMethod::stage, "stage"}}};
constexpr Names<VoteVisibility, 2> kVoteVisibilities{
    {{VoteVisibility::open, "open"}, {VoteVisibility::anonymous, "anonymous"}}};
constexpr Names<VoteResults, 2> kVoteResults{
    {{VoteResults::live, "live"}, {VoteResults::hidden, "hidden"}}};

constexpr Names<SlotState, 5> kSlotStates{{{SlotState::pending, "pending"},
                                           {SlotState::running, "running"},
                                           {SlotState::paused, "paused"},
                                           {SlotState::done, "done"},
                                           {SlotState::skipped, "skipped"}}};
constexpr Names<QueueOrder, 2> kQueueOrders{
    {{QueueOrder::raised, "raised"}, {QueueOrder::fewest_turns, "fewest_turns"}}};

template <class E, size_t N>
std::string_view lookup_name(const Names<E, N>& names, E v) {
  for (const auto& [value, name] : names) {
    if (value == v) return name;
  }
  return {};
}

template <class E, size_t N>
std::optional<E> lookup_value(const Names<E, N>& names, std::string_view s) {
  for (const auto& [value, name] : names) {
    if (name == s) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view name_of(Role v) {
  return lookup_name(kRoles, v);
}
std::string_view name_of(Attendance v) {
  return lookup_name(kAttendances, v);
}
std::string_view name_of(Phase v) {
  return lookup_name(kPhases, v);
}
std::string_view name_of(ItemStatus v) {
  return lookup_name(kStatuses, v);
}
std::string_view name_of(TextField v) {
  return lookup_name(kTextFields, v);
}

std::string_view name_of(VoteMethod v) {
  return lookup_name(kVoteMethods, v);
}
std::string_view name_of(VoteVisibility v) {
  return lookup_name(kVoteVisibilities, v);
}
std::string_view name_of(VoteResults v) {
  return lookup_name(kVoteResults, v);
}

std::string_view name_of(SlotState v) {
  return lookup_name(kSlotStates, v);
}
std::string_view name_of(QueueOrder v) {
  return lookup_name(kQueueOrders, v);
}

std::optional<Role> parse_role(std::string_view s) {
  return lookup_value(kRoles, s);
}
std::optional<Attendance> parse_attendance(std::string_view s) {
  return lookup_value(kAttendances, s);
}
std::optional<Phase> parse_phase(std::string_view s) {
  return lookup_value(kPhases, s);
}
std::optional<ItemStatus> parse_item_status(std::string_view s) {
  return lookup_value(kStatuses, s);
}

std::optional<TextField> parse_text_field(std::string_view s) {
  return lookup_value(kTextFields, s);
}

std::optional<VoteMethod> parse_vote_method(std::string_view s) {
  return lookup_value(kVoteMethods, s);
}
std::optional<VoteVisibility> parse_vote_visibility(std::string_view s) {
  return lookup_value(kVoteVisibilities, s);
}
std::optional<VoteResults> parse_vote_results(std::string_view s) {
  return lookup_value(kVoteResults, s);
}

std::optional<SlotState> parse_slot_state(std::string_view s) {
  return lookup_value(kSlotStates, s);
}
std::optional<QueueOrder> parse_queue_order(std::string_view s) {
  return lookup_value(kQueueOrders, s);
}

}  // namespace rt::core
