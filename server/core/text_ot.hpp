// Operational transformation of plain text, over Unicode code points (the model of the
// ot-text-unicode type). An op is a list of components:
//   retain N   skip N code points        JSON: N (a positive integer)
//   insert S   insert the text S         JSON: "S" (a non-empty string)
//   delete N   delete N code points      JSON: {"d": N}
// The text after the last component is kept. Ops are kept normalized: no empty components,
// no two neighbours of one kind, an insert before a delete it touches, no trailing retain;
// so an op has exactly one form, and the C++ and JavaScript implementations can be compared
// on the JSON of their results (protocol/vectors/ot).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/rejection.hpp"

namespace rt::core {

struct TextComponent {
  enum class Kind { retain, insert, remove };
  Kind kind = Kind::retain;
  size_t count = 0;     // code points retained, deleted, or inserted
  std::u32string text;  // insert only
};

using TextOp = std::vector<TextComponent>;

// Which of two concurrent inserts at one position goes first: the `left` op's.
enum class Side { left, right };

// Reads an op in normal form, except that a trailing retain is kept (see apply); `bad_op` for
// anything that is not a well-formed op.
std::variant<TextOp, Rejection> text_op_from_json(const nlohmann::json& j);
nlohmann::json to_json(const TextOp& op);

TextOp normalize(const TextOp& op);
size_t base_length(const TextOp& op);    // code points the op reads (retains + deletes)
size_t target_length(const TextOp& op);  // code points it writes (retains + inserts)

// nullopt when the op reads past the end of the text.
std::optional<std::u32string> apply(const std::u32string& text, const TextOp& op);

// `op` rewritten to apply after `other`, both made on the same text:
// apply(apply(t, other), transform(op, other, s)) == apply(apply(t, op), transform(other, op, !s)).
TextOp transform(const TextOp& op, const TextOp& other, Side side);

// One op with the effect of `a` then `b`.
TextOp compose(const TextOp& a, const TextOp& b);

// The op that replaces all of `old_text` by `new_text` (a whole-field set, as an op).
TextOp replace_all(const std::u32string& old_text, const std::u32string& new_text);

}  // namespace rt::core
