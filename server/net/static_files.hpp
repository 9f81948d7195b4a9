// The web client's files. Paths are resolved inside the web root only: no "..", no
// absolute paths, no hidden files, so a request can never read outside it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rt::net {

struct StaticFile {
  std::string body;
  std::string_view content_type;
};

// The file for a request target ("/" is index.html), or nullopt when there is none.
std::optional<StaticFile> read_static_file(const std::string& web_root, std::string_view target);

// Whether a request target names a path that may be served (exposed for tests).
bool is_safe_path(std::string_view path);

}  // namespace rt::net
