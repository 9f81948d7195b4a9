#include "net/batch_frame.hpp"

#include <string_view>

namespace rt::net {
namespace {
constexpr std::string_view kBatchOpen = R"({"type":"batch","messages":[)";
constexpr std::string_view kBatchClose = "]}";
}  // namespace

BatchExtent batch_extent(const std::vector<Frame>& messages) {
  BatchExtent extent{0, kBatchOpen.size() + kBatchClose.size()};
  for (const auto& message : messages) {
    const size_t with_comma = message->size() + (extent.count > 0 ? 1 : 0);
    if (extent.count > 0 && extent.bytes + with_comma > kMaxBatchBytes) break;
    extent.bytes += with_comma;
    ++extent.count;
  }
  return extent;
}

void join_batch(std::string& out, const std::vector<Frame>& messages, BatchExtent extent) {
  out.clear();
  out.reserve(extent.bytes);
  out.append(kBatchOpen);
  for (size_t i = 0; i < extent.count; ++i) {
    if (i > 0) out.push_back(',');
    out.append(*messages[i]);
  }
  out.append(kBatchClose);
}

}  // namespace rt::net
