#include "core/text_ot.hpp"

#include <algorithm>
#include <limits>

#include "core/text.hpp"

namespace rt::core {
namespace {

using Kind = TextComponent::Kind;
constexpr size_t kForever = std::numeric_limits<size_t>::max();

TextComponent retain(size_t n) {
  return {Kind::retain, n, {}};
}
TextComponent remove(size_t n) {
  return {Kind::remove, n, {}};
}
TextComponent insert(std::u32string s) {
  size_t n = s.size();
  return {Kind::insert, n, std::move(s)};
}

// Appends keeping the normal form (see the header).
void append(TextOp& out, TextComponent c) {
  if (c.count == 0) return;
  if (!out.empty() && out.back().kind == c.kind) {
    out.back().count += c.count;
    out.back().text += c.text;
    return;
  }
  if (c.kind == Kind::insert && !out.empty() && out.back().kind == Kind::remove) {
    // An insert touching a delete goes before it: the same edit, one way to write it.
    if (out.size() >= 2 && out[out.size() - 2].kind == Kind::insert) {
      out[out.size() - 2].count += c.count;
      out[out.size() - 2].text += c.text;
    } else {
      out.insert(out.end() - 1, std::move(c));
    }
    return;
  }
  out.push_back(std::move(c));
}

// Counts a JavaScript client can hold exactly (Number.MAX_SAFE_INTEGER).
constexpr uint64_t kMaxCount = (uint64_t{1} << 53) - 1;

// A positive whole number a JavaScript client can hold exactly, or nullopt.
std::optional<size_t> positive_count(const nlohmann::json& j) {
  if (!j.is_number_integer()) return std::nullopt;  // also true for unsigned, never for 1.5
  if (!j.is_number_unsigned() && j.get<int64_t>() <= 0) return std::nullopt;
  uint64_t n = j.get<uint64_t>();
  if (n == 0 || n > kMaxCount) return std::nullopt;
  return static_cast<size_t>(n);
}

void trim(TextOp& op) {
  if (!op.empty() && op.back().kind == Kind::retain) op.pop_back();
}

// Walks an op in pieces; past its end it yields an endless retain (the kept tail).
class Cursor {
 public:
  explicit Cursor(const TextOp& op) : op_(op) {}

  bool done() const { return index_ >= op_.size(); }
  Kind kind() const { return done() ? Kind::retain : op_[index_].kind; }
  size_t left() const { return done() ? kForever : op_[index_].count - offset_; }

  // Up to n code points of the current component (all of it by default).
  TextComponent take(size_t n = kForever) {
    if (done()) return retain(n);
    const TextComponent& c = op_[index_];
    size_t k = std::min(n, c.count - offset_);
    TextComponent piece{c.kind, k, c.kind == Kind::insert ? c.text.substr(offset_, k) : U""};
    offset_ += k;
    if (offset_ == c.count) {
      ++index_;
      offset_ = 0;
    }
    return piece;
  }

 private:
  const TextOp& op_;
  size_t index_ = 0;
  size_t offset_ = 0;
};

}  // namespace

std::variant<TextOp, Rejection> text_op_from_json(const nlohmann::json& j) {
  auto bad = [](std::string why) { return Rejection{"bad_op", std::move(why)}; };
  if (!j.is_array()) return bad("an op must be an array of components");
  TextOp op;
  // What the op reads (retains and deletes) is bounded like each count: summed unchecked, a
  // few thousand large counts would wrap around and pass for a short op.
  uint64_t reads = 0;
  auto read = [&reads](size_t n) {
    reads += n;  // both at most 2^53 - 1: no overflow
    return reads <= kMaxCount;
  };
  for (const auto& c : j) {
    if (c.is_number()) {
      auto n = positive_count(c);
      if (!n) return bad("a retain must be a positive whole number below 2^53");
      if (!read(*n)) return bad("an op must read fewer than 2^53 characters");
      append(op, retain(*n));
    } else if (c.is_string()) {
      const auto& s = c.get_ref<const std::string&>();
      if (s.empty()) return bad("an insert must not be empty");
      append(op, insert(to_code_points(s)));
    } else if (c.is_object() && c.size() == 1 && c.contains("d")) {
      auto n = positive_count(c["d"]);
      if (!n) return bad("a delete must be {\"d\": N} with N a positive whole number below 2^53");
      if (!read(*n)) return bad("an op must read fewer than 2^53 characters");
      append(op, remove(*n));
    } else {
      return bad("a component is a retain count, an insert string, or {\"d\": N}");
    }
  }
  // A trailing retain is kept as sent: it says how long the sender thinks the text is,
  // and apply() refuses the op when that is past the end (the sender is out of step).
  return op;
}

nlohmann::json to_json(const TextOp& op) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& c : op) {
    switch (c.kind) {
      case Kind::retain:
        j.push_back(c.count);
        break;
      case Kind::insert:
        j.push_back(to_utf8(c.text));
        break;
      case Kind::remove:
        j.push_back({{"d", c.count}});
        break;
    }
  }
  return j;
}

TextOp normalize(const TextOp& op) {
  TextOp out;
  for (const auto& c : op) append(out, c);
  trim(out);
  return out;
}

size_t base_length(const TextOp& op) {
  size_t n = 0;
  for (const auto& c : op) n += c.kind == Kind::insert ? 0 : c.count;
  return n;
}

size_t target_length(const TextOp& op) {
  size_t n = 0;
  for (const auto& c : op) n += c.kind == Kind::remove ? 0 : c.count;
  return n;
}

std::optional<std::u32string> apply(const std::u32string& text, const TextOp& op) {
  if (base_length(op) > text.size()) return std::nullopt;
  std::u32string out;
  out.reserve(text.size() + target_length(op));
  size_t at = 0;
  for (const auto& c : op) {
    switch (c.kind) {
      case Kind::retain:
        out.append(text, at, c.count);
        at += c.count;
        break;
      case Kind::insert:
        out += c.text;
        break;
      case Kind::remove:
        at += c.count;
        break;
    }
  }
  out.append(text, at, std::u32string::npos);
  return out;
}

TextOp transform(const TextOp& op, const TextOp& other, Side side) {
  TextOp out;
  Cursor a(op), b(other);
  while (!a.done() || !b.done()) {
    bool a_inserts = a.kind() == Kind::insert, b_inserts = b.kind() == Kind::insert;
    if (a_inserts && (side == Side::left || !b_inserts)) {
      append(out, a.take());
    } else if (b_inserts) {
      append(out, retain(b.take().count));  // step over the other's new text
    } else {
      size_t n = std::min(a.left(), b.left());
      TextComponent mine = a.take(n);
      TextComponent theirs = b.take(n);
      // What the other deleted is gone: my retain or delete of it has nothing left to do.
      if (theirs.kind != Kind::remove) append(out, std::move(mine));
    }
  }
  trim(out);
  return out;
}

TextOp compose(const TextOp& a, const TextOp& b) {
  TextOp out;
  Cursor first(a), second(b);
  while (!first.done() || !second.done()) {
    if (first.kind() == Kind::remove) {
      append(out, first.take());  // deletes of the original text happen regardless of b
    } else if (second.kind() == Kind::insert) {
      append(out, second.take());
    } else {
      size_t n = std::min(first.left(), second.left());
      TextComponent made = first.take(n);   // retain or insert: what b reads
      TextComponent then = second.take(n);  // retain or delete of it
      if (then.kind == Kind::retain) {
        append(out, std::move(made));
      } else if (made.kind == Kind::retain) {
        append(out, remove(n));
      }  // inserted by a, deleted by b: nothing
    }
  }
  trim(out);
  return out;
}

TextOp replace_all(const std::u32string& old_text, const std::u32string& new_text) {
  TextOp out;
  append(out, insert(new_text));
  append(out, remove(old_text.size()));
  return out;
}

}  // namespace rt::core
