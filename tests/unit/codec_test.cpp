#include "core/codec.hpp"

#include <gtest/gtest.h>

namespace rt::core {
namespace {

std::string code_of(std::string_view frame) {
  auto d = decode_client_message(frame);
  if (auto* r = std::get_if<Rejection>(&d.result)) return r->code;
  return "";
}

template <class T>
T command_of(std::string_view frame) {
  auto d = decode_client_message(frame);
  auto* r = std::get_if<Rejection>(&d.result);
  EXPECT_EQ(r, nullptr) << (r ? r->message : "");
  auto& msg = std::get<ClientMessage>(d.result);
  return std::get<T>(std::get<CommandRequest>(msg).command);
}

TEST(Codec, NotJsonOrNotAnObject_IsBadJsonWithoutCid) {
  for (auto frame : {"nope", "[1,2]", "\"text\"", "{\"type\":", ""}) {
    auto d = decode_client_message(frame);
    EXPECT_EQ(code_of(frame), "bad_json") << frame;
    EXPECT_FALSE(d.cid.has_value());
  }
}

TEST(Codec, CidIsRequiredAndBounded) {
  EXPECT_EQ(code_of(R"({"type":"set_goal","goal":"g"})"), "bad_message");
  EXPECT_EQ(code_of(R"({"type":"set_goal","cid":"","goal":"g"})"), "bad_message");
  EXPECT_EQ(code_of(R"({"type":"set_goal","cid":7,"goal":"g"})"), "bad_message");
  std::string long_cid(65, 'c');
  EXPECT_EQ(code_of(R"({"type":"set_goal","cid":")" + long_cid + R"(","goal":"g"})"),
            "bad_message");
}

TEST(Codec, UnknownTypeAndUnknownField_AreRejectedWithTheCid) {
  auto d = decode_client_message(R"({"type":"vote","cid":"c1"})");
  EXPECT_EQ(std::get<Rejection>(d.result).code, "unknown_type");
  EXPECT_EQ(d.cid, "c1");
  EXPECT_EQ(code_of(R"({"type":"add_item","cid":"c","title":"t","colour":"red"})"), "bad_message");
  EXPECT_EQ(code_of(R"({"cid":"c","title":"t"})"), "bad_message");
}

// Arrays in arrays, `levels` deep.
std::string nested(size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

TEST(Codec, NestingPastSixteenLevels_IsBadMessageWithTheCid) {
  // Sixteen levels with the message itself: read (and refused for the unknown field only).
  auto ok =
      decode_client_message(R"({"type":"add_item","cid":"c","title":"t","x":)" + nested(15) + "}");
  EXPECT_NE(std::get<Rejection>(ok.result).message.find("no field 'x'"), std::string::npos);
  // A ballot kept as sent, 200,000 levels deep: copying it recursively overflowed the stack.
  for (size_t levels : {16, 200000}) {
    auto d = decode_client_message(R"({"type":"cast_ballot","cid":"c","voteId":"v1","ballot":)" +
                                   nested(levels) + "}");
    auto* r = std::get_if<Rejection>(&d.result);
    ASSERT_NE(r, nullptr) << levels;
    EXPECT_EQ(r->code, "bad_message");
    EXPECT_NE(r->message.find("nest at most 16"), std::string::npos) << r->message;
    EXPECT_EQ(d.cid, "c");
  }
}

TEST(Codec, AddItem_DefaultsAndValues) {
  auto c = command_of<AddItem>(R"({"type":"add_item","cid":"c","title":"Flyer"})");
  EXPECT_EQ(c.title, "Flyer");
  EXPECT_EQ(c.owner, "");
  EXPECT_EQ(c.due, "");
  EXPECT_EQ(c.status, ItemStatus::proposed);
  c = command_of<AddItem>(
      R"({"type":"add_item","cid":"c","title":"F","owner":"Ana","due":"2024-02-29","status":"done"})");
  EXPECT_EQ(c.owner, "Ana");
  EXPECT_EQ(c.due, "2024-02-29");
  EXPECT_EQ(c.status, ItemStatus::done);
}

TEST(Codec, InvalidValues_AreInvalidValue) {
  EXPECT_EQ(code_of(R"({"type":"add_item","cid":"c","title":"F","status":"maybe"})"),
            "invalid_value");
  EXPECT_EQ(code_of(R"({"type":"add_item","cid":"c","title":"F","due":"2025-02-29"})"),
            "invalid_value");
  EXPECT_EQ(code_of(R"({"type":"add_item","cid":"c","title":"F","due":"tomorrow"})"),
            "invalid_value");
  EXPECT_EQ(code_of(R"({"type":"add_item","cid":"c","title":"F","due":"next tuesday"})"),
            "too_long")
      << "over 10 characters cannot be a date";
  EXPECT_EQ(code_of(R"({"type":"set_phase","cid":"c","phase":"paused"})"), "invalid_value");
  EXPECT_EQ(code_of(R"({"type":"update_profile","cid":"c","attendance":"moon"})"), "invalid_value");
}

TEST(Codec, WrongTypes_AreBadMessage) {
  EXPECT_EQ(code_of(R"({"type":"add_item","cid":"c","title":42})"), "bad_message");
  EXPECT_EQ(code_of(R"({"type":"move_item","cid":"c","itemId":"i1","index":-1})"), "bad_message");
  EXPECT_EQ(code_of(R"({"type":"move_item","cid":"c","itemId":"i1","index":1.5})"), "bad_message");
  EXPECT_EQ(code_of(R"({"type":"add_item","cid":"c","title":""})"), "bad_message");
}

TEST(Codec, TextLimits_CountCodePointsNotBytes) {
  std::string emoji_title;
  for (int i = 0; i < 200; ++i) emoji_title += "\xF0\x9F\x8E\x89";  // 200 x U+1F389, 800 bytes
  EXPECT_EQ(code_of(R"({"type":"add_item","cid":"c","title":")" + emoji_title + R"("})"), "");
  EXPECT_EQ(code_of(R"({"type":"add_item","cid":"c","title":")" + emoji_title + R"(x"})"),
            "too_long");
  EXPECT_EQ(code_of(R"({"type":"set_goal","cid":"c","goal":")" + std::string(1001, 'g') + R"("})"),
            "too_long");
}

TEST(Codec, UpdateItemAndProfile_NeedAtLeastOneField) {
  EXPECT_EQ(code_of(R"({"type":"update_item","cid":"c","itemId":"i1"})"), "bad_message");
  EXPECT_EQ(code_of(R"({"type":"update_profile","cid":"c"})"), "bad_message");
  auto u = command_of<UpdateItem>(R"({"type":"update_item","cid":"c","itemId":"i1","owner":""})");
  EXPECT_EQ(u.owner, "");
  EXPECT_FALSE(u.title.has_value());
}

TEST(Codec, Join_NeedsExactlyOneCredentialAndAVersion) {
  auto base = std::string(R"({"type":"join","cid":"j","name":"Ana","attendance":"room")");
  EXPECT_EQ(code_of(base + R"(,"v":1})"), "bad_message");
  EXPECT_EQ(code_of(base + R"(,"v":1,"code":"A","facilitatorToken":"t"})"), "bad_message");
  EXPECT_EQ(code_of(base + R"(,"code":"A"})"), "bad_message");
  EXPECT_EQ(code_of(base + R"(,"v":2,"code":"A"})"), "unsupported_version");
  EXPECT_EQ(code_of(base + R"(,"v":1,"code":"A","role":"facilitator"})"), "invalid_value");
  auto d = decode_client_message(base + R"(,"v":1,"code":"ABCD-EFGH","role":"observer"})");
  auto& join = std::get<JoinRequest>(std::get<ClientMessage>(d.result));
  EXPECT_EQ(join.code, "ABCD-EFGH");
  EXPECT_EQ(join.join.role, Role::observer);
  EXPECT_EQ(join.join.attendance, Attendance::room);
}

TEST(Codec, Resume_CarriesTokenAndOptionalLastSeq) {
  auto d = decode_client_message(R"({"type":"resume","v":1,"cid":"r","token":"t.x","lastSeq":42})");
  auto& r = std::get<ResumeRequest>(std::get<ClientMessage>(d.result));
  EXPECT_EQ(r.token, "t.x");
  EXPECT_EQ(r.last_seq, 42u);
  EXPECT_FALSE(r.batch);
  EXPECT_EQ(code_of(R"({"type":"resume","v":1,"cid":"r"})"), "bad_message");
}

TEST(Codec, JoinAndResume_AskForBatchesWithABoolean) {
  auto join = decode_client_message(
      R"({"type":"join","v":1,"cid":"j","code":"A","name":"Ana","attendance":"room","batch":true})");
  EXPECT_TRUE(std::get<JoinRequest>(std::get<ClientMessage>(join.result)).batch);
  auto resume =
      decode_client_message(R"({"type":"resume","v":1,"cid":"r","token":"t.x","batch":true})");
  EXPECT_TRUE(std::get<ResumeRequest>(std::get<ClientMessage>(resume.result)).batch);
  EXPECT_EQ(code_of(R"({"type":"resume","v":1,"cid":"r","token":"t.x","batch":1})"), "bad_message");
  EXPECT_EQ(code_of(R"({"type":"join","v":1,"cid":"j","code":"A","name":"Ana",)"
                    R"("attendance":"room","batch":"yes"})"),
            "bad_message");
}

TEST(Codec, Encoders_ProduceTheProtocolShapes) {
  EXPECT_EQ(nlohmann::json::parse(encode_ack("c1", 7)),
            (nlohmann::json{{"type", "ack"}, {"cid", "c1"}, {"seq", 7}}));
  auto r = nlohmann::json::parse(encode_reject(std::nullopt, {"bad_json", "m"}));
  EXPECT_TRUE(r["cid"].is_null());
  EXPECT_EQ(r["code"], "bad_json");
  EXPECT_EQ(nlohmann::json::parse(encode_presence("p2", false))["online"], false);
}

TEST(Codec, EditText_TargetsVersionAndOp) {
  auto e = command_of<EditText>(
      R"({"type":"edit_text","cid":"c","field":"notes","itemId":"i5","version":9,"op":[2,"x",{"d":1}]})");
  EXPECT_EQ(e.field, TextField::notes);
  EXPECT_EQ(e.item_id, "i5");
  EXPECT_EQ(e.version, 9u);
  EXPECT_EQ(to_json(e.op), nlohmann::json::parse(R"([2,"x",{"d":1}])"));
  auto goal = command_of<EditText>(
      R"({"type":"edit_text","cid":"c","field":"goal","version":1,"op":["x"]})");
  EXPECT_EQ(goal.item_id, "");
}

TEST(Codec, EditText_BadTargetsAndOpsAreRefused) {
  EXPECT_EQ(
      code_of(
          R"({"type":"edit_text","cid":"c","field":"goal","itemId":"i5","version":1,"op":["x"]})"),
      "bad_message");
  EXPECT_EQ(code_of(R"({"type":"edit_text","cid":"c","field":"notes","version":1,"op":["x"]})"),
            "bad_message");
  EXPECT_EQ(
      code_of(
          R"({"type":"edit_text","cid":"c","field":"owner","itemId":"i5","version":1,"op":["x"]})"),
      "invalid_value");
  EXPECT_EQ(code_of(R"({"type":"edit_text","cid":"c","field":"goal","version":1,"op":[]})"),
            "bad_op");
  EXPECT_EQ(code_of(R"({"type":"edit_text","cid":"c","field":"goal","version":1,"op":[0]})"),
            "bad_op");
  EXPECT_EQ(code_of(R"({"type":"edit_text","cid":"c","field":"goal","version":1,"op":[{"d":-1}]})"),
            "bad_op");
  EXPECT_EQ(code_of(R"({"type":"edit_text","cid":"c","field":"goal","version":1})"), "bad_message");
  EXPECT_EQ(code_of(R"({"type":"edit_text","cid":"c","field":"goal","version":-1,"op":["x"]})"),
            "bad_message");
}

TEST(Codec, Focus_NamesAFieldOrNothing) {
  auto d = decode_client_message(R"({"type":"focus","cid":"f","itemId":"i5","field":"notes"})");
  auto& focus = std::get<FocusRequest>(std::get<ClientMessage>(d.result));
  EXPECT_EQ(focus.item_id, "i5");
  EXPECT_EQ(focus.field, TextField::notes);
  auto none = decode_client_message(R"({"type":"focus","cid":"f"})");
  EXPECT_FALSE(std::get<FocusRequest>(std::get<ClientMessage>(none.result)).field.has_value());
  EXPECT_EQ(code_of(R"({"type":"focus","cid":"f","itemId":"i5"})"), "bad_message");
  EXPECT_EQ(code_of(R"({"type":"focus","cid":"f","field":"notes"})"), "bad_message");
  EXPECT_EQ(code_of(R"({"type":"focus","cid":"f","field":"goal","itemId":"i5"})"), "bad_message");
  EXPECT_EQ(code_of(R"({"type":"focus","cid":"f","field":"goal","x":1})"), "bad_message");
}

TEST(Codec, MeetingTitleAndGoalChecks) {
  EXPECT_FALSE(check_meeting_title("Council").has_value());
  EXPECT_EQ(check_meeting_title("")->code, "bad_request");
  EXPECT_EQ(check_goal(std::string(1001, 'x'))->code, "too_long");
}

TEST(Codec, SlotCommands_DecodeIntoTheirFamily) {
  auto add = std::get<AddSlot>(command_of<SlotCommand>(
      R"({"type":"add_slot","cid":"a","organisation":"Library","speaker":"Ana","seconds":120})"));
  EXPECT_EQ(add.organisation, "Library");
  EXPECT_EQ(add.speaker, "Ana");
  EXPECT_EQ(add.seconds, 120u);
  auto extend = std::get<ExtendSlot>(
      command_of<SlotCommand>(R"({"type":"extend_slot","cid":"e","slotId":"u5","seconds":30})"));
  EXPECT_EQ(extend.slot_id, "u5");
  EXPECT_EQ(extend.seconds, 30u);
  EXPECT_TRUE(std::get<SetAutoAdvance>(
                  command_of<SlotCommand>(R"({"type":"set_auto_advance","cid":"x","on":true})"))
                  .on);
  EXPECT_EQ(code_of(R"({"type":"add_slot","cid":"a","organisation":"Library"})"), "bad_message");
  EXPECT_EQ(code_of(R"({"type":"add_slot","cid":"a","organisation":"","seconds":5})"),
            "bad_message");
  EXPECT_EQ(code_of(R"({"type":"add_slot","cid":"a","organisation":"L","seconds":-5})"),
            "bad_message");
  EXPECT_EQ(code_of(R"({"type":"start_slot","cid":"s"})"), "bad_message");
  EXPECT_EQ(code_of(R"({"type":"next_slot","cid":"s","slotId":"u1","force":true})"), "bad_message");
  EXPECT_EQ(code_of(R"({"type":"update_slot","cid":"s","slotId":"u1"})"), "bad_message");
  EXPECT_EQ(code_of(R"({"type":"expire_slot","cid":"s","slotId":"u1"})"), "unknown_type")
      << "only the server's clock expires a slot";
}

TEST(Codec, QueueCommandsAndMoveSection) {
  EXPECT_FALSE(std::get<LowerHand>(command_of<QueueCommand>(R"({"type":"lower_hand","cid":"l"})"))
                   .participant_id);
  EXPECT_EQ(*std::get<CallNext>(
                 command_of<QueueCommand>(R"({"type":"call_next","cid":"c","participantId":"p3"})"))
                 .participant_id,
            "p3");
  EXPECT_EQ(code_of(R"({"type":"set_queue_order","cid":"o","order":"loudest"})"), "invalid_value");
  EXPECT_EQ(code_of(R"({"type":"raise_hand","cid":"r","urgent":true})"), "bad_message");
  auto move = command_of<MoveSection>(
      R"({"type":"move_section","cid":"m","section":"partner_updates","index":1})");
  EXPECT_EQ(move.section, "partner_updates");
  EXPECT_EQ(move.index, 1u);
}

TEST(Codec, Clock_EchoesTheClientTimeWithTheServerTime) {
  auto d = decode_client_message(R"({"type":"clock","cid":"t1","t":1795000000123.5})");
  auto& clock = std::get<ClockRequest>(std::get<ClientMessage>(d.result));
  auto reply = nlohmann::json::parse(encode_clock(clock, 1795000000200));
  EXPECT_EQ(reply["type"], "clock");
  EXPECT_EQ(reply["cid"], "t1");
  EXPECT_EQ(reply["t"], 1795000000123.5);
  EXPECT_EQ(reply["serverTime"], 1795000000200);
  EXPECT_EQ(code_of(R"({"type":"clock","cid":"t1","t":"now"})"), "bad_message");
  EXPECT_EQ(code_of(R"({"type":"clock","cid":"t1"})"), "bad_message");
}

}  // namespace
}  // namespace rt::core
