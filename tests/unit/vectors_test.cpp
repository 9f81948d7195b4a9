// Replays every exchange of protocol/vectors through the core decoder and reducer. The
// integration suite replays the same files through the real server and Redis, so the
// protocol document, the core and the server cannot drift apart.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "core/codec.hpp"
#include "core/event.hpp"
#include "core/reducer.hpp"
#include "test_support.hpp"

namespace rt::core {
namespace {

// Every key of `expected` is in `actual` with a matching value (objects recursively).
bool is_subset(const nlohmann::json& expected, const nlohmann::json& actual) {
  if (!expected.is_object()) return expected == actual;
  if (!actual.is_object()) return false;
  for (const auto& [key, value] : expected.items()) {
    if (!actual.contains(key) || !is_subset(value, actual[key])) return false;
  }
  return true;
}

struct Answer {
  nlohmann::json reply;
  std::vector<nlohmann::json> events;
};

class VectorRun {
 public:
  explicit VectorRun(const nlohmann::json& vector) {
    const auto& meeting = vector.at("meeting");
    apply(m_,
          meeting_created("m1", meeting.at("title"), meeting.at("goal"), "ABCD-EFGH", test::kNow));
    for (const auto& p : vector.at("participants")) {
      Join join{p.at("name"), *parse_attendance(p.at("attendance").get<std::string>()),
                p.value("organisation", ""), *parse_role(p.at("role").get<std::string>())};
      auto d = decide(m_, "", "join", join, test::kNow);
      for (const auto& e : std::get<Accepted>(d).events) apply(m_, e);
      ids_[p.at("as")] = "p" + std::to_string(m_.version);
    }
  }

  // What one connection, already joined, gets for one frame.
  Answer send(const std::string& as, const std::string& frame) {
    Decoded decoded = decode_client_message(frame);
    if (auto* r = std::get_if<Rejection>(&decoded.result)) return reject(decoded.cid, *r);
    auto& message = std::get<ClientMessage>(decoded.result);
    if (auto* focus = std::get_if<FocusRequest>(&message)) {
      if (auto r = check_focus(m_, ids_.at(as), *focus)) return reject(focus->cid, *r);
      return {ack(focus->cid, m_.version), {}};
    }
    auto* command = std::get_if<CommandRequest>(&message);
    if (!command) return reject(decoded.cid, {"already_joined", ""});
    Decision d = decide(m_, ids_.at(as), command->cid, command->command, test::kNow);
    if (auto* r = std::get_if<Rejection>(&d)) return reject(command->cid, *r);
    if (auto* dup = std::get_if<Duplicate>(&d)) return {ack(command->cid, dup->seq), {}};
    Answer answer;
    for (const auto& e : std::get<Accepted>(d).events) {
      apply(m_, e);
      answer.events.push_back(to_json(e));
    }
    answer.reply = ack(command->cid, m_.version);
    return answer;
  }

 private:
  static Answer reject(const std::optional<std::string>& cid, const Rejection& r) {
    return {nlohmann::json::parse(encode_reject(cid, r)), {}};
  }
  static nlohmann::json ack(const std::string& cid, uint64_t seq) {
    return nlohmann::json::parse(encode_ack(cid, seq));
  }

  Meeting m_;
  std::map<std::string, std::string> ids_;
};

std::vector<std::filesystem::path> vector_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(RT_VECTORS_DIR)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(ProtocolVectors, ThereAreVectorsToReplay) {
  EXPECT_GE(vector_files().size(), 8u);
}

TEST(ProtocolVectors, EveryVectorReplaysThroughTheCore) {
  for (const auto& file : vector_files()) {
    SCOPED_TRACE(file.filename().string());
    nlohmann::json vector = nlohmann::json::parse(std::ifstream(file));
    VectorRun run(vector);
    size_t index = 0;
    for (const auto& step : vector.at("steps")) {
      SCOPED_TRACE("step " + std::to_string(index++));
      std::string frame =
          step.contains("sendRaw") ? step.at("sendRaw").get<std::string>() : step.at("send").dump();
      Answer answer = run.send(step.at("as"), frame);
      EXPECT_TRUE(is_subset(step.at("expect"), answer.reply))
          << "expected " << step.at("expect").dump() << "\n     got " << answer.reply.dump();
      if (!step.contains("events")) continue;
      const auto& expected = step.at("events");
      ASSERT_EQ(expected.size(), answer.events.size()) << frame;
      for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_TRUE(is_subset(expected[i], answer.events[i]))
            << "expected " << expected[i].dump() << "\n     got " << answer.events[i].dump();
      }
    }
  }
}

}  // namespace
}  // namespace rt::core
