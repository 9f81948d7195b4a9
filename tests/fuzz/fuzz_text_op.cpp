// Fuzz target: the text OT decoder and algebra (core/text_ot.hpp). The input is JSON: an op,
// or a case like those of protocol/vectors/ot, {"doc": "...", "a": op, "b": op} (each key
// optional). An op that decodes is applied to the document (by default one as long as the
// op reads, mixing one- to four-byte characters) and transformed and composed against a
// second op: `b`, or one made up from the input's bytes. Checked, as in
// tests/unit/text_ot_test.cpp: normal form is unique and changes no result, transform
// converges (TP1) and compose equals applying one op after the other.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "core/text.hpp"
#include "core/text_ot.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace rt::core;
namespace core = rt::core;

std::optional<TextOp> decode(const nlohmann::json& j) {
  auto v = text_op_from_json(j);
  if (auto* r = std::get_if<Rejection>(&v)) {
    RT_FUZZ_CHECK(r->code == "bad_op");
    return std::nullopt;
  }
  return std::get<TextOp>(std::move(v));
}

// Deterministic bytes from the input (FNV-1a, then xorshift): a second op for inputs that
// bring none.
class Bits {
 public:
  Bits(const uint8_t* data, size_t size) {
    for (size_t i = 0; i < size; ++i) state_ = (state_ ^ data[i]) * 1099511628211ULL;
  }
  size_t below(size_t n) {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return n == 0 ? 0 : static_cast<size_t>(state_ % n);
  }

 private:
  uint64_t state_ = 1469598103934665603ULL;
};

const std::u32string kAlphabet = U"ab \u00e9\u5b66\U0001F44B\u0301x";

std::u32string make_text(Bits& bits, size_t n) {
  std::u32string s;
  for (size_t i = 0; i < n; ++i) s += kAlphabet[bits.below(kAlphabet.size())];
  return s;
}

// A random op on a text of `len` code points, in the form the decoder gives: normalized,
// sometimes with a trailing retain.
TextOp make_op(Bits& bits, size_t len) {
  using Kind = TextComponent::Kind;
  TextOp op;
  size_t pos = 0;
  for (int steps = 0; steps < 12 && (pos < len || bits.below(3) == 0); ++steps) {
    switch (bits.below(3)) {
      case 0:
        if (pos < len) {
          size_t n = 1 + bits.below(len - pos);
          op.push_back({Kind::retain, n, {}});
          pos += n;
        }
        break;
      case 1: {
        auto s = make_text(bits, 1 + bits.below(3));
        op.push_back({Kind::insert, s.size(), s});
        break;
      }
      default:
        if (pos < len) {
          size_t n = 1 + bits.below(len - pos);
          op.push_back({Kind::remove, n, {}});
          pos += n;
        }
    }
  }
  TextOp normal = normalize(op);
  size_t reads = base_length(normal);
  if (reads < len && bits.below(2) == 0) normal.push_back({Kind::retain, len - reads, {}});
  return normal;
}

void check_normal_form(const TextOp& op) {
  TextOp n = normalize(op);
  RT_FUZZ_CHECK(to_json(normalize(n)) == to_json(n));
  auto again = decode(to_json(n));  // what the server sends, a client sends back
  RT_FUZZ_CHECK(again && to_json(*again) == to_json(n));
  RT_FUZZ_CHECK(base_length(n) <= base_length(op));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto input = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (input.is_discarded()) return 0;
  const nlohmann::json* a_json = &input;
  const nlohmann::json* b_json = nullptr;
  std::optional<std::u32string> doc;
  if (input.is_object()) {
    auto a_it = input.find("a"), b_it = input.find("b"), doc_it = input.find("doc");
    if (a_it == input.end()) a_it = input.find("op");
    if (a_it == input.end()) return 0;
    a_json = &*a_it;
    if (b_it != input.end()) b_json = &*b_it;
    if (doc_it != input.end() && doc_it->is_string()) {
      doc = to_code_points(doc_it->get_ref<const std::string&>());
    }
  }
  auto a = decode(*a_json);
  if (!a) return 0;
  check_normal_form(*a);

  Bits bits(data, size);
  // Long enough for `a`, sometimes longer; an op can ask for up to 2^53 - 1: cap the made-up text.
  if (!doc) doc = make_text(bits, std::min<size_t>(base_length(*a), 4096) + bits.below(3));
  auto after_a = core::apply(*doc, *a);
  if (!after_a) {
    RT_FUZZ_CHECK(base_length(*a) > doc->size());
    return 0;
  }
  RT_FUZZ_CHECK(after_a->size() == doc->size() - base_length(*a) + target_length(*a));
  RT_FUZZ_CHECK(core::apply(*doc, normalize(*a)) == after_a);

  std::optional<TextOp> b = b_json ? decode(*b_json) : std::nullopt;
  if (!b) b = make_op(bits, doc->size());
  check_normal_form(*b);
  auto a_after_b = transform(*a, *b, Side::left), b_after_a = transform(*b, *a, Side::right);
  RT_FUZZ_CHECK(to_json(a_after_b) == to_json(normalize(a_after_b)));
  RT_FUZZ_CHECK(to_json(b_after_a) == to_json(normalize(b_after_a)));
  auto after_b = core::apply(*doc, *b);
  if (!after_b) return 0;  // not made on the same text: transform has nothing to promise

  // TP1: both orders reach the same text.
  auto via_b = core::apply(*after_b, a_after_b), via_a = core::apply(*after_a, b_after_a);
  RT_FUZZ_CHECK(via_a && via_b);
  RT_FUZZ_CHECK(*via_a == *via_b);
  // Normal form decides: transforming the normalized ops gives the same ops.
  RT_FUZZ_CHECK(to_json(transform(normalize(*a), normalize(*b), Side::left)) == to_json(a_after_b));

  // compose(x, y) does what x then y do, in normal form, whichever way round.
  auto composed_ab = compose(*a, b_after_a), composed_ba = compose(*b, a_after_b);
  RT_FUZZ_CHECK(to_json(composed_ab) == to_json(normalize(composed_ab)));
  RT_FUZZ_CHECK(core::apply(*doc, composed_ab) == via_a);
  RT_FUZZ_CHECK(core::apply(*doc, composed_ba) == via_b);

  // A whole-field replacement is an op like any other.
  auto replace = replace_all(*doc, *via_a);
  RT_FUZZ_CHECK(core::apply(*doc, replace) == via_a);
  to_utf8(*via_a);
  return 0;
}
