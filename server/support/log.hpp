// One structured line per notable event: `ts=... level=... msg="..." key=value ...`.
// The level is process-wide: it is set once from --log-level before any thread starts,
// and logging is the one place where threading a logger through every constructor
// would cost more clarity than it buys.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace rt::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

// Returns false for an unknown level name.
bool set_level(std::string_view name);
bool enabled(Level level);

using Field = std::pair<std::string_view, std::string>;
void write(Level level, std::string_view message, std::initializer_list<Field> fields = {});

inline void debug(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::debug, m, f);
}
inline void info(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::info, m, f);
}
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::warn, m, f);
}
inline void error(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::error, m, f);
}

}  // namespace rt::log
