// Reads the few top-level members the generator needs (type, seq, cid, actor, code, kind) out of
// a server message without building a DOM. At 250,000 deliveries/s a full JSON parse of
// every event would cost the generator a core of its own and its latency figures would
// measure the generator, not the server. Messages it needs in full (welcome, its own
// item_added) go through nlohmann::json instead.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace loadgen {

struct MessageHead {
  std::string_view type;
  std::string_view cid;    // raw string contents, escapes left as they are
  std::string_view actor;  // (the generator's own cids and ids never need escapes)
  std::string_view code;
  std::string_view kind;  // an event's
  uint64_t seq = 0;
  bool has_seq = false;
};

// Fills `head` from the top level of one JSON object; nested objects and arrays are skipped.
// False when `json` is not an object this scanner can walk.
bool scan_head(std::string_view json, MessageHead& head);

// The raw text of each message of a `batch` frame ({"type":"batch","messages":[...]}), in
// order, into `messages` (cleared first). False when the frame is not one.
bool scan_batch(std::string_view json, std::vector<std::string_view>& messages);

}  // namespace loadgen
