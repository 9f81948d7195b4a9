#include "json_scan.hpp"

#include <charconv>

namespace loadgen {
namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return s_[i_]; }
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t'))
      ++i_;
  }
  bool eat(char c) {
    skip_space();
    if (at_end() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  // A string's contents between the quotes (the cursor is on the opening quote).
  bool string(std::string_view& out) {
    if (!eat('"')) return false;
    size_t start = i_;
    while (i_ < s_.size() && s_[i_] != '"') i_ += (s_[i_] == '\\') ? 2 : 1;
    if (i_ >= s_.size()) return false;
    out = s_.substr(start, i_ - start);
    ++i_;
    return true;
  }
  // Any value: the raw text of a number or literal, the contents of a string, or the whole
  // text of a nested object or array (skipped by depth, minding strings).
  bool value(std::string_view& out, bool& is_string) {
    skip_space();
    if (at_end()) return false;
    is_string = peek() == '"';
    if (is_string) return string(out);
    size_t start = i_;
    if (peek() == '{' || peek() == '[') {
      int depth = 0;
      while (i_ < s_.size()) {
        char c = s_[i_];
        if (c == '"') {
          std::string_view ignored;
          if (!string(ignored)) return false;
          continue;
        }
        ++i_;
        if (c == '{' || c == '[') ++depth;
        if ((c == '}' || c == ']') && --depth == 0) break;
      }
      if (depth != 0) return false;
    } else {
      while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ' ') ++i_;
    }
    out = s_.substr(start, i_ - start);
    return true;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

bool scan_head(std::string_view json, MessageHead& head) {
  head = MessageHead{};
  Scanner sc(json);
  if (!sc.eat('{')) return false;
  if (sc.eat('}')) return true;
  do {
    std::string_view key, value;
    bool is_string = false;
    sc.skip_space();
    if (!sc.string(key) || !sc.eat(':') || !sc.value(value, is_string)) return false;
    if (is_string) {
      if (key == "type")
        head.type = value;
      else if (key == "cid")
        head.cid = value;
      else if (key == "actor")
        head.actor = value;
      else if (key == "code")
        head.code = value;
      else if (key == "kind")
        head.kind = value;
    } else if (key == "seq") {
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), head.seq);
      head.has_seq = ec == std::errc() && end == value.data() + value.size();
    }
  } while (sc.eat(','));
  return sc.eat('}');
}

bool scan_batch(std::string_view json, std::vector<std::string_view>& messages) {
  messages.clear();
  Scanner sc(json);
  if (!sc.eat('{')) return false;
  do {
    std::string_view key, value;
    bool is_string = false;
    sc.skip_space();
    if (!sc.string(key) || !sc.eat(':')) return false;
    if (key != "messages") {
      if (!sc.value(value, is_string)) return false;
      continue;
    }
    if (!sc.eat('[')) return false;
    if (sc.eat(']')) continue;
    do {
      if (!sc.value(value, is_string) || is_string || value.empty() || value[0] != '{') {
        return false;
      }
      messages.push_back(value);
    } while (sc.eat(','));
    if (!sc.eat(']')) return false;
  } while (sc.eat(','));
  return sc.eat('}') && !messages.empty();
}

}  // namespace loadgen
