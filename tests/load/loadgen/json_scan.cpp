#include "json_scan.hpp"

#include <charconv>
#include <cstring>

namespace loadgen {
namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  size_t pos() const { return i_; }
  std::string_view since(size_t start) const { return s_.substr(start, i_ - start); }
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
  // A string's contents between the quotes (the cursor is on the opening quote). memchr finds
  // each quote; one preceded by an odd run of backslashes is escaped.
  bool string(std::string_view& out) {
    if (!eat('"')) return false;
    const size_t start = i_;
    for (;;) {
      const void* quote = std::memchr(s_.data() + i_, '"', s_.size() - i_);
      if (quote == nullptr) return false;
      const size_t at = static_cast<size_t>(static_cast<const char*>(quote) - s_.data());
      size_t backslashes = 0;
      while (at - backslashes > start && s_[at - backslashes - 1] == '\\') ++backslashes;
      i_ = at + 1;
      if (backslashes % 2 == 0) {
        out = s_.substr(start, at - start);
        return true;
      }
    }
  }
  // Any value: the raw text of a number or literal, the contents of a string, or the whole
  // text of a nested object or array (skipped by depth, minding strings).
  bool value(std::string_view& out, bool& is_string) {
    skip_space();
    if (at_end()) return false;
    is_string = peek() == '"';
    if (is_string) return string(out);
    const size_t start = i_;
    if (peek() == '{' || peek() == '[') {
      int depth = 0;
      while (i_ < s_.size()) {
        const char c = s_[i_];
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
    out = since(start);
    return true;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

void note(MessageHead& head, std::string_view key, std::string_view value, bool is_string) {
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
}

// One object at the cursor; a `messages` array of objects goes into `messages` when given.
bool scan_object(Scanner& sc, MessageHead& head, std::vector<ScannedMessage>* messages) {
  head = MessageHead{};
  if (!sc.eat('{')) return false;
  if (sc.eat('}')) return true;
  do {
    std::string_view key, value;
    bool is_string = false;
    sc.skip_space();
    if (!sc.string(key) || !sc.eat(':')) return false;
    if (messages != nullptr && key == "messages" && sc.eat('[')) {
      if (sc.eat(']')) continue;
      do {
        sc.skip_space();
        const size_t start = sc.pos();
        ScannedMessage message;
        if (!scan_object(sc, message.head, nullptr)) return false;
        message.text = sc.since(start);
        messages->push_back(message);
      } while (sc.eat(','));
      if (!sc.eat(']')) return false;
      continue;
    }
    if (!sc.value(value, is_string)) return false;
    note(head, key, value, is_string);
  } while (sc.eat(','));
  return sc.eat('}');
}

}  // namespace

bool scan_message(std::string_view json, MessageHead& head, std::vector<ScannedMessage>& messages) {
  messages.clear();
  Scanner sc(json);
  return scan_object(sc, head, &messages);
}

}  // namespace loadgen
