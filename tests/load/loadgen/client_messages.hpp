// The session-opening messages the generator's clients send (PROTOCOL.md "join", "resume").
// Cids, names and tokens are the generator's own or the server's: none needs JSON escaping.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "server_http.hpp"

namespace loadgen {

enum class JoinAs { member, facilitator };

// A join with the meeting's join code (a member) or its facilitator token; `batch`: the
// client reads batch frames.
inline std::string join_message(const MeetingTicket& meeting, JoinAs as, std::string_view cid,
                                std::string_view name, std::string_view attendance, bool batch) {
  const std::string credential = as == JoinAs::facilitator
                                     ? R"("facilitatorToken":")" + meeting.facilitator_token
                                     : R"("code":")" + meeting.join_code;
  return R"({"type":"join","v":1,"cid":")" + std::string(cid) + R"(",)" + credential +
         R"(","name":")" + std::string(name) + R"(","attendance":")" + std::string(attendance) +
         '"' + (batch ? R"(,"batch":true})" : "}");
}

// A resume of the participant of `token` from the last event it applied.
inline std::string resume_message(std::string_view cid, std::string_view token, uint64_t last_seq,
                                  bool batch) {
  return R"({"type":"resume","v":1,"cid":")" + std::string(cid) + R"(","token":")" +
         std::string(token) + R"(","lastSeq":)" + std::to_string(last_seq) +
         (batch ? R"(,"batch":true})" : "}");
}

}  // namespace loadgen
