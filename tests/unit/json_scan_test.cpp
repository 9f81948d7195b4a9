// The load generator's one-pass scanner (tests/load/loadgen/json_scan): what it reads of a
// frame decides what the benchmark counts as delivered, lost or duplicated.
#include "json_scan.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace loadgen {
namespace {

struct Seen {
  std::string text;
  std::string type;
  std::string cid;
  uint64_t seq;
  bool has_seq;
};

FrameScan scan(std::string_view frame, std::vector<Seen>& seen) {
  std::vector<ScannedMessage> scratch;
  return scan_frame(frame, scratch, [&](std::string_view text, const MessageHead& head) {
    seen.push_back(
        {std::string(text), std::string(head.type), std::string(head.cid), head.seq, head.has_seq});
  });
}

TEST(JsonScan, ReadsEachMessageOfABatchInOrderInOnePass) {
  const std::string first =
      R"({"type":"event","seq":41,"kind":"item_updated","data":{"type":"batch","title":"say \"hi\" \\"}})";
  const std::string second = R"({ "seq" : 42 , "type" : "event", "cid":"b7" })";
  const std::string frame = R"({"type":"batch","messages":[)" + first + " , " + second + "]}";
  std::vector<Seen> seen;
  const FrameScan result = scan(frame, seen);
  EXPECT_TRUE(result.batch);
  EXPECT_TRUE(result.error.empty()) << result.error;
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].text, first);
  EXPECT_EQ(seen[0].type, "event");
  EXPECT_EQ(seen[0].seq, 41u);
  EXPECT_EQ(seen[1].text, second);
  EXPECT_EQ(seen[1].seq, 42u);
  EXPECT_EQ(seen[1].cid, "b7");
}

TEST(JsonScan, ASingleMessageIsItsWholeFrameAndNestedMembersDoNotCount) {
  const std::string frame =
      R"({"type":"ack","cid":"b\\","seq":7,"data":{"seq":99,"type":"x","messages":[1]}})";
  std::vector<Seen> seen;
  const FrameScan result = scan(frame, seen);
  EXPECT_FALSE(result.batch);
  EXPECT_TRUE(result.error.empty()) << result.error;
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].text, frame);
  EXPECT_EQ(seen[0].type, "ack");
  EXPECT_EQ(seen[0].cid, R"(b\\)");
  EXPECT_EQ(seen[0].seq, 7u);
}

TEST(JsonScan, RefusesWhatItCannotRead) {
  std::vector<Seen> seen;
  EXPECT_EQ(scan(R"({"type":"event","seq":1)", seen).error, "unparsable message");
  EXPECT_EQ(scan(R"({"type":"event","cid":"open)", seen).error, "unparsable message");
  EXPECT_EQ(scan(R"({"type":"batch","messages":[{"type":"event"},{"type":)", seen).error,
            "unparsable message");
  EXPECT_EQ(scan(R"({"type":"batch","messages":[]})", seen).error, "unparsable batch");
  EXPECT_EQ(scan(R"({"type":"batch","messages":[{"type":"batch"}]})", seen).error,
            "unparsable message in a batch");
  EXPECT_TRUE(seen.empty());
}

}  // namespace
}  // namespace loadgen
