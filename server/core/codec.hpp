// The wire edge: decodes a client frame into a typed message, rejecting anything the
// protocol does not define (unknown type, unknown field, wrong type, over-long text), and
// encodes server messages. Nothing past this point sees raw JSON from a client.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/command.hpp"
#include "core/rejection.hpp"

namespace rt::core {

inline constexpr int kProtocolVersion = 1;

struct JoinRequest {
  std::string cid;
  std::optional<std::string> code;
  std::optional<std::string> facilitator_token;
  Join join;  // role is what was asked for (member/observer); a facilitator token overrides it
  bool batch = false;  // the client takes several messages in one `batch` frame
};
struct ResumeRequest {
  std::string cid;
  std::string token;
  std::optional<uint64_t> last_seq;
  bool batch = false;
};
struct CommandRequest {
  std::string cid;
  Command command;
};
// Which text a participant is editing right now; neither set: none. Not a command (nothing
// is stored), so it bypasses the reducer and is answered by the room.
struct FocusRequest {
  std::string cid;
  std::optional<std::string> item_id;
  std::optional<TextField> field;
};
// A sample for the client's estimate of its clock offset: answered at once with the
// server's time, before or after join; nothing is stored.
struct ClockRequest {
  std::string cid;
  nlohmann::json t;  // the client's time as it sent it, echoed back untouched
};
using ClientMessage =
    std::variant<JoinRequest, ResumeRequest, CommandRequest, FocusRequest, ClockRequest>;

struct Decoded {
  std::optional<std::string> cid;  // known even for most rejections, so the client can match
  std::variant<ClientMessage, Rejection> result;
};

Decoded decode_client_message(std::string_view frame);

// Title and goal of a new meeting (POST /api/meetings), same rules as set_title/set_goal.
std::optional<Rejection> check_meeting_title(const std::string& title);
std::optional<Rejection> check_goal(const std::string& goal);

std::string encode_ack(const std::string& cid, uint64_t seq);
std::string encode_reject(const std::optional<std::string>& cid, const Rejection& r);
std::string encode_clock(const ClockRequest& request, int64_t server_ms);
std::string encode_presence(const std::string& participant_id, bool online);
std::string encode_error(const std::string& code, const std::string& message);
// `editing` of one participant; an empty field means editing nothing. editing_json is the
// snapshot's entry, encode_editing the message.
nlohmann::json editing_json(const std::string& participant_id, const FocusRequest& focus);
std::string encode_editing(const std::string& participant_id, const FocusRequest& focus);

}  // namespace rt::core
