#include "net/batch_frame.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace rt::net {
namespace {

Frame message(const std::string& text) {
  return std::make_shared<const std::string>(text);
}

TEST(BatchFrame, JoinsMessagesInOrderIntoOneBatchMessage) {
  std::vector<Frame> messages{message(R"({"type":"event","seq":1})"),
                              message(R"({"type":"event","seq":2})")};
  const BatchExtent extent = batch_extent(messages);
  std::string out = "left over from the last batch";
  join_batch(out, messages, extent);
  EXPECT_EQ(out,
            R"({"type":"batch","messages":[{"type":"event","seq":1},{"type":"event","seq":2}]})");
  EXPECT_EQ(extent.count, 2u);
  EXPECT_EQ(extent.bytes, out.size());
  EXPECT_EQ(nlohmann::json::parse(out)["messages"].size(), 2u);
}

TEST(BatchFrame, StopsAtTheSizeLimitAndKeepsTheRestForTheNextBatch) {
  const std::string filler(kMaxBatchBytes / 3, 'x');
  std::vector<Frame> messages;
  for (int i = 0; i < 4; ++i) messages.push_back(message("\"" + filler + "\""));
  const BatchExtent extent = batch_extent(messages);
  EXPECT_EQ(extent.count, 2u);
  std::string out;
  join_batch(out, messages, extent);
  EXPECT_LE(out.size(), kMaxBatchBytes);
  EXPECT_EQ(out.size(), extent.bytes);
  EXPECT_EQ(nlohmann::json::parse(out)["messages"].size(), 2u);
}

TEST(BatchFrame, TakesAFirstMessageLargerThanTheLimitAlone) {
  std::vector<Frame> messages{message("\"" + std::string(kMaxBatchBytes + 10, 'y') + "\""),
                              message("{}")};
  EXPECT_EQ(batch_extent(messages).count, 1u);
  EXPECT_EQ(batch_extent({}).count, 0u);
}

}  // namespace
}  // namespace rt::net
