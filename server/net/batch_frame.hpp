// The `batch` message: several server messages in one WebSocket frame, for the clients that
// asked for it at join or resume. A connection joins what queued during its last write; a
// room joins a commit's events once for all its connections that wait for nothing else, so a
// meeting of 500 builds one batch per commit, not 500.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "net/connection.hpp"

namespace rt::net {

// A batch stops growing here: big enough that a busy meeting costs one write per round,
// small enough that a browser parses it within a frame.
inline constexpr size_t kMaxBatchBytes = 64 * 1024;

struct BatchExtent {
  size_t count = 0;  // messages, from the first; at least one when there is any
  size_t bytes = 0;  // of the joined batch
};

// How many of `messages`, from the first, one batch holds within kMaxBatchBytes (always the
// first, however large), and the batch's size.
BatchExtent batch_extent(const std::vector<Frame>& messages);

// Replaces `out` with the batch of the first `extent.count` messages (its capacity is kept).
void join_batch(std::string& out, const std::vector<Frame>& messages, BatchExtent extent);

}  // namespace rt::net
