#include "core/text_ot.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "core/text.hpp"

namespace rt::core {
namespace {

TextOp op_of(const nlohmann::json& j) {
  auto v = text_op_from_json(j);
  if (auto* r = std::get_if<Rejection>(&v)) ADD_FAILURE() << r->message << " in " << j.dump();
  return std::holds_alternative<TextOp>(v) ? std::get<TextOp>(v) : TextOp{};
}

std::string run(const std::string& doc, const nlohmann::json& op) {
  auto out = core::apply(to_code_points(doc), op_of(op));
  return out ? to_utf8(*out) : "<past the end>";
}

TEST(TextOt, ApplyCountsCodePoints) {
  EXPECT_EQ(run("héllo", {1, {{"d", 1}}, "e"}), "hello");
  EXPECT_EQ(run("a👋🏽b", {1, {{"d", 2}}}), "ab");  // wave + skin tone: two code points
  EXPECT_EQ(run("学校", {1, "生"}), "学生校");
  EXPECT_EQ(run("abc", {3, "!"}), "abc!");
  EXPECT_EQ(run("abc", {3}), "abc");
  EXPECT_EQ(run("abc", {4}), "<past the end>") << "a trailing retain says how long the sender "
                                                  "thinks the text is";
  EXPECT_EQ(run("abc", {2, {{"d", 2}}}), "<past the end>");
}

TEST(TextOt, CountsBeyondWhatJavaScriptHoldsExactlyAreBadOp) {
  EXPECT_TRUE(std::holds_alternative<TextOp>(
      text_op_from_json(nlohmann::json::parse("[9007199254740991]"))));
  EXPECT_TRUE(std::holds_alternative<Rejection>(
      text_op_from_json(nlohmann::json::parse("[9007199254740992]"))));
  EXPECT_TRUE(std::holds_alternative<Rejection>(
      text_op_from_json(nlohmann::json::parse(R"([{"d":9007199254740992}])"))));
}

TEST(TextOt, CountsThatSumPastWhatJavaScriptHoldsAreBadOp) {
  // 2,049 retains of 2^53 - 1 sum past 2^64: unchecked, they wrapped to a short retain.
  nlohmann::json op = nlohmann::json::array();
  for (int i = 0; i < 2049; i++)
    op.push_back(i % 2 ? nlohmann::json{{"d", 9007199254740991}}
                       : nlohmann::json(9007199254740991));
  auto v = text_op_from_json(op);
  ASSERT_TRUE(std::holds_alternative<Rejection>(v));
  EXPECT_EQ(std::get<Rejection>(v).code, "bad_op");
  EXPECT_TRUE(std::holds_alternative<Rejection>(
      text_op_from_json(nlohmann::json::parse("[9007199254740990, 2]"))));
}

TEST(TextOt, MalformedOpsAreBadOp) {
  for (auto j :
       {nlohmann::json(0), nlohmann::json::parse(R"([0])"), nlohmann::json::parse(R"([-1])"),
        nlohmann::json::parse(R"([""])"), nlohmann::json::parse(R"([{"d":0}])"),
        nlohmann::json::parse(R"([{"d":-2}])"), nlohmann::json::parse(R"([1.5])"),
        nlohmann::json::parse(R"([{"d":1,"x":2}])"), nlohmann::json::parse(R"([null])"),
        nlohmann::json::parse(R"([[1]])"), nlohmann::json::parse(R"({"d":1})")}) {
    auto v = text_op_from_json(j);
    ASSERT_TRUE(std::holds_alternative<Rejection>(v)) << j.dump();
    EXPECT_EQ(std::get<Rejection>(v).code, "bad_op");
  }
}

TEST(TextOt, NormalFormIsUnique) {
  EXPECT_EQ(to_json(normalize(op_of({1, 2, "a", "b", {{"d", 1}}, {{"d", 2}}, 3}))),
            nlohmann::json::parse(R"([3,"ab",{"d":3}])"));
  // A delete then an insert at the same place is written insert first.
  EXPECT_EQ(to_json(op_of({{{"d", 2}}, "x"})), nlohmann::json::parse(R"(["x",{"d":2}])"));
  EXPECT_EQ(to_json(op_of({"a", {{"d", 1}}, "b", {{"d", 1}}})),
            nlohmann::json::parse(R"(["ab",{"d":2}])"));
}

TEST(TextOt, ConcurrentInsertsAtOnePlaceFollowTheSide) {
  auto a = op_of({1, "A"}), b = op_of({1, "B"});
  auto doc = to_code_points("xy");
  auto left_first = core::apply(*core::apply(doc, b), transform(a, b, Side::left));
  EXPECT_EQ(to_utf8(*left_first), "xABy");
  auto right_after = core::apply(*core::apply(doc, b), transform(a, b, Side::right));
  EXPECT_EQ(to_utf8(*right_after), "xBAy");
}

TEST(TextOt, OverlappingDeletesDeleteOnce) {
  auto a = op_of({1, {{"d", 3}}}), b = op_of({2, {{"d", 3}}});
  auto doc = to_code_points("abcdefg");
  auto one = core::apply(*core::apply(doc, a), transform(b, a, Side::right));
  auto two = core::apply(*core::apply(doc, b), transform(a, b, Side::left));
  EXPECT_EQ(to_utf8(*one), "afg");
  EXPECT_EQ(*one, *two);
}

// Random documents mixing ASCII, accents, CJK and astral characters.
class RandomText {
 public:
  explicit RandomText(uint32_t seed) : rng_(seed) {}
  std::u32string text(size_t max_len) {
    static const std::u32string kAlphabet = U"ab xyzé学校👋🌍\u0301";
    std::u32string s;
    size_t n = pick(max_len + 1);
    for (size_t i = 0; i < n; ++i) s += kAlphabet[pick(kAlphabet.size())];
    return s;
  }
  TextOp op(size_t doc_len) {
    TextOp op;
    size_t pos = 0;
    while (pos < doc_len || pick(3) == 0) {
      switch (pick(3)) {
        case 0: {
          size_t n = 1 + pick(std::min<size_t>(doc_len - pos, 4) + 1);
          if (pos + n > doc_len) n = doc_len - pos;
          if (n) op.push_back({TextComponent::Kind::retain, n, {}}), pos += n;
          break;
        }
        case 1: {
          auto s = text(3);
          if (!s.empty()) op.push_back({TextComponent::Kind::insert, s.size(), s});
          break;
        }
        default: {
          size_t n = std::min<size_t>(doc_len - pos, 1 + pick(3));
          if (n) op.push_back({TextComponent::Kind::remove, n, {}}), pos += n;
        }
      }
      if (pos >= doc_len && pick(2) == 0) break;
    }
    return normalize(op);
  }
  size_t pick(size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
  }

 private:
  std::mt19937 rng_;
};

TEST(TextOtProperties, TransformConvergesAndComposeMatchesSequentialApply) {
  constexpr uint32_t kSeed = 20261123;
  RandomText gen(kSeed);
  for (int i = 0; i < 20000; ++i) {
    auto doc = gen.text(12);
    auto a = gen.op(doc.size()), b = gen.op(doc.size());
    SCOPED_TRACE("seed " + std::to_string(kSeed) + " case " + std::to_string(i) + " doc '" +
                 to_utf8(doc) + "' a " + to_json(a).dump() + " b " + to_json(b).dump());
    auto after_a = core::apply(doc, a), after_b = core::apply(doc, b);
    ASSERT_TRUE(after_a && after_b);
    auto via_b = core::apply(*after_b, transform(a, b, Side::left));
    auto via_a = core::apply(*after_a, transform(b, a, Side::right));
    ASSERT_TRUE(via_a && via_b);
    ASSERT_EQ(*via_a, *via_b) << "TP1";
    auto c = gen.op(after_a->size());
    auto sequential = core::apply(*after_a, c);
    auto composed = core::apply(doc, compose(a, c));
    ASSERT_TRUE(sequential && composed);
    ASSERT_EQ(*sequential, *composed);
    ASSERT_EQ(to_json(compose(a, c)), to_json(normalize(compose(a, c))))
        << "results are normalized";
  }
}

// protocol/vectors/ot: the same cases the JavaScript implementation replays.
nlohmann::json read_vectors(const char* name) {
  std::filesystem::path file = std::filesystem::path(RT_VECTORS_DIR) / "ot" / name;
  if (!std::filesystem::exists(file)) return nullptr;
  return nlohmann::json::parse(std::ifstream(file));
}

TEST(TextOtVectors, TransformCasesMatchTheJavaScriptImplementation) {
  auto v = read_vectors("transform.json");
  ASSERT_FALSE(v.is_null()) << "protocol/vectors/ot/transform.json is missing";
  ASSERT_GE(v.at("cases").size(), 40u);
  for (const auto& c : v.at("cases")) {
    SCOPED_TRACE(c.dump());
    auto a = op_of(c.at("a")), b = op_of(c.at("b"));
    EXPECT_EQ(to_json(transform(a, b, Side::left)), c.at("a_after_b"));
    EXPECT_EQ(to_json(transform(b, a, Side::right)), c.at("b_after_a"));
    EXPECT_EQ(run(to_utf8(*core::apply(to_code_points(c.at("doc").get<std::string>()), b)),
                  c.at("a_after_b")),
              c.at("result").get<std::string>());
  }
}

TEST(TextOtVectors, ComposeCasesMatchTheJavaScriptImplementation) {
  auto v = read_vectors("compose.json");
  ASSERT_FALSE(v.is_null()) << "protocol/vectors/ot/compose.json is missing";
  for (const auto& c : v.at("cases")) {
    SCOPED_TRACE(c.dump());
    EXPECT_EQ(to_json(compose(op_of(c.at("a")), op_of(c.at("b")))), c.at("composed"));
    EXPECT_EQ(run(c.at("doc"), c.at("composed")), c.at("result").get<std::string>());
  }
}

TEST(TextOtVectors, InvalidOpsAreRefused) {
  auto v = read_vectors("invalid.json");
  ASSERT_FALSE(v.is_null()) << "protocol/vectors/ot/invalid.json is missing";
  for (const auto& c : v.at("cases")) {
    SCOPED_TRACE(c.dump());
    auto parsed = text_op_from_json(c.at("op"));
    bool refused =
        std::holds_alternative<Rejection>(parsed) ||
        !core::apply(to_code_points(c.at("doc").get<std::string>()), std::get<TextOp>(parsed));
    EXPECT_TRUE(refused);
  }
}

}  // namespace
}  // namespace rt::core
