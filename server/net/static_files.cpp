#include "net/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace rt::net {
namespace {

std::string_view content_type_of(std::string_view path) {
  auto dot = path.rfind('.');
  std::string_view ext = dot == std::string_view::npos ? "" : path.substr(dot);
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".tsv") return "text/tab-separated-values; charset=utf-8";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  return "application/octet-stream";
}

}  // namespace

bool is_safe_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (!segment.empty() && segment.front() == '.') return false;  // "..", ".git", ".env"
    if (segment.find('\\') != std::string_view::npos ||
        segment.find('\0') != std::string_view::npos) {
      return false;
    }
    start = end + 1;
  }
  return true;
}

std::optional<StaticFile> read_static_file(const std::string& web_root, std::string_view target) {
  std::string_view path = target.substr(0, target.find_first_of("?#"));
  if (!is_safe_path(path)) return std::nullopt;
  std::string file = web_root + std::string(path);
  if (path.back() == '/') file += "index.html";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream body;
  body << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return StaticFile{body.str(), content_type_of(file)};
}

}  // namespace rt::net
