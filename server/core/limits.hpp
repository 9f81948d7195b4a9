// Named limits of the domain. Each is sized for a real partnership meeting with headroom,
// and small enough that one meeting's state stays a few hundred KiB in memory and in a
// Redis snapshot.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rt::core::limits {

// Text lengths in Unicode code points (what a user counts), not bytes.
inline constexpr size_t kMeetingTitle = 200;
inline constexpr size_t kGoal = 1000;  // a goal statement is a paragraph, not a document
inline constexpr size_t kItemTitle = 200;
inline constexpr size_t kNotes = 5000;  // a few paragraphs of decisions and next steps
inline constexpr size_t kOwner = 100;
inline constexpr size_t kName = 60;
inline constexpr size_t kOrganisation = 100;

// A cid is a client-made id (random prefix + counter); 64 leaves room for any scheme.
inline constexpr size_t kCid = 64;
// Ids and tokens are server-made; these only bound what a client can make us parse.
inline constexpr size_t kId = 64;
inline constexpr size_t kToken = 1024;
// Levels of arrays and objects in one client message, itself included. A valid one has 3
// at most (a dot ballot, an op's delete). Parsing is iterative, but copying a value (a
// ballot) recurses once per level, and a 64 KiB frame of brackets is 32,000 levels: enough
// to overflow an I/O thread's stack.
inline constexpr int kMessageNesting = 16;

// Ops kept per text field for transforming late edits: at a brisk 10 keystrokes a second
// that is 20 s of typing by others, far more than a connection lags before it resumes.
inline constexpr size_t kTextHistory = 200;

// A partnership meeting has tens of people and items; hundreds is already a conference.
// 1,000 items of at most ~600 bytes each keep a snapshot under 1 MB.
inline constexpr size_t kParticipants = 500;
inline constexpr size_t kItems = 1000;

// Votes: a meeting takes a handful of decisions; a few open at once at most (dot voting
// covers "several items at once" in one vote).
inline constexpr size_t kVotes = 100;
inline constexpr size_t kOpenVotes = 10;
inline constexpr size_t kVoteQuestion = 300;
inline constexpr size_t kVoteItems = 20;
inline constexpr size_t kBlockReason = 280;
inline constexpr uint64_t kDotBudget = 100;
// Time limits: long enough to read the question, short enough to be a meeting's vote.
inline constexpr uint64_t kVoteMinSeconds = 5;
inline constexpr uint64_t kVoteMaxSeconds = 3600;

// Partner updates: one slot per partner organisation, with room for a large partnership.
// A slot and each extension last 1 s to 1 h: a partner update is minutes, not a keynote.
inline constexpr size_t kSlots = 50;
inline constexpr uint64_t kSlotMinSeconds = 1;
inline constexpr uint64_t kSlotMaxSeconds = 3600;

// cids remembered per participant for at-most-once delivery: far more than a client can
// have in flight (its send queue is bounded by the rate limit times a reconnect).
inline constexpr size_t kRememberedCids = 256;

}  // namespace rt::core::limits
