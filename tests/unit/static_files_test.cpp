#include "net/static_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace rt::net {
namespace {

TEST(StaticFiles, PathsOutsideTheRootOrHiddenAreNotServed) {
  for (auto p :
       {"/../etc/passwd", "/a/../../x", "/.git/config", "/.env", "relative", "", "/a\\..\\b"}) {
    EXPECT_FALSE(is_safe_path(p)) << p;
  }
  for (auto p : {"/", "/index.html", "/js/app.js"}) EXPECT_TRUE(is_safe_path(p)) << p;
}

TEST(StaticFiles, ServesFilesWithTheirTypeAndIndexForSlash) {
  auto root = std::filesystem::temp_directory_path() / "rt-static-test";
  std::filesystem::create_directories(root / "sub");
  std::ofstream(root / "index.html") << "<h1>hi</h1>";
  std::ofstream(root / "app.js") << "export {}";
  auto index = read_static_file(root.string(), "/?join=ABCD");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->body, "<h1>hi</h1>");
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(read_static_file(root.string(), "/app.js")->content_type,
            "text/javascript; charset=utf-8");
  EXPECT_FALSE(read_static_file(root.string(), "/missing.js"));
  EXPECT_FALSE(read_static_file(root.string(), "/sub")) << "a directory is not a file";
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace rt::net
