// The room display's QR code: the SVG is read back into a grid of modules and checked against
// what every QR code must have. (That phones can read it is the e2e test's job: it decodes the
// image shown on the room display with jsQR.)
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "net/ids.hpp"
#include "qr/qr_svg.hpp"

namespace rt {
namespace {

struct Grid {
  int size = 0;            // modules per side, quiet zone included
  std::vector<bool> dark;  // size * size
  bool at(int x, int y) const { return dark[y * size + x]; }
};

// Reads back "M{x} {y}h{run}v1h-{run}z" subpaths: the only shape qr_svg draws.
Grid read_svg(const std::string& svg) {
  Grid g;
  std::smatch m;
  EXPECT_TRUE(std::regex_search(svg, m, std::regex("viewBox=\"0 0 (\\d+) (\\d+)\"")));
  g.size = std::stoi(m[1]);
  EXPECT_EQ(m[1], m[2]) << "square";
  g.dark.assign(g.size * g.size, false);
  std::regex run("M(\\d+) (\\d+)h(\\d+)v1h-(\\d+)z");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), run); it != std::sregex_iterator();
       ++it) {
    int x = std::stoi((*it)[1]), y = std::stoi((*it)[2]), n = std::stoi((*it)[3]);
    EXPECT_EQ((*it)[3], (*it)[4]);
    EXPECT_LE(x + n, g.size);
    EXPECT_LT(y, g.size);
    for (int i = 0; i < n; ++i) g.dark[y * g.size + x + i] = true;
  }
  return g;
}

// A finder pattern at (x0, y0): a dark 7x7 ring, a light ring, a dark 3x3 centre.
void expect_finder(const Grid& g, int x0, int y0) {
  for (int y = 0; y < 7; ++y) {
    for (int x = 0; x < 7; ++x) {
      bool ring = x == 0 || y == 0 || x == 6 || y == 6;
      bool centre = x >= 2 && x <= 4 && y >= 2 && y <= 4;
      EXPECT_EQ(g.at(x0 + x, y0 + y), ring || centre) << "finder at " << x0 << "," << y0;
    }
  }
}

TEST(QrSvg, AJoinLinkHasTheStructureOfAQrCode) {
  auto svg = qr::qr_svg("https://meet.example.org/?join=ABCD-EFGH");
  ASSERT_TRUE(svg);
  EXPECT_EQ(svg->rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  Grid g = read_svg(*svg);
  const int q = qr::kQuietZone;
  const int width = g.size - 2 * q;
  EXPECT_EQ((width - 17) % 4, 0) << "21, 25, 29... modules: version 1, 2, 3...";
  EXPECT_GE(width, 21);
  for (int i = 0; i < g.size; ++i) {
    for (int border = 0; border < q; ++border) {
      EXPECT_FALSE(g.at(i, border) || g.at(border, i) || g.at(i, g.size - 1 - border) ||
                   g.at(g.size - 1 - border, i))
          << "the quiet zone stays light";
    }
  }
  expect_finder(g, q, q);
  expect_finder(g, q + width - 7, q);
  expect_finder(g, q, q + width - 7);
  // The timing patterns: alternating modules between the finders, along row 6 and column 6.
  for (int i = 8; i < width - 8; ++i) {
    EXPECT_EQ(g.at(q + i, q + 6), i % 2 == 0) << "row timing " << i;
    EXPECT_EQ(g.at(q + 6, q + i), i % 2 == 0) << "column timing " << i;
  }
}

TEST(QrSvg, LongerTextTakesALargerCode) {
  Grid small = read_svg(*qr::qr_svg("http://h/?join=ABCD-EFGH"));
  Grid large = read_svg(*qr::qr_svg(
      "https://a-rather-long-host-name.community-partnership.example.org:8443/?join=ABCD-EFGH"));
  EXPECT_LT(small.size, large.size);
}

TEST(QrSvg, TextBeyondTheLargestCodeIsRefused) {
  EXPECT_FALSE(qr::qr_svg(std::string(3000, 'x')));
  EXPECT_TRUE(qr::qr_svg(std::string(2000, 'x'))) << "version 40-M holds 2,331 bytes";
}

TEST(JoinCodeForm, AcceptsWhatTheServerDrawsAndNothingElse) {
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(net::is_join_code_form(net::new_join_code()));
  EXPECT_TRUE(net::is_join_code_form("ABCD-EFGH"));
  for (const char* bad :
       {"", "ABCD-EFG", "ABCDEFGHJ", "ABCD_EFGH", "abcd-efgh", "ABCD-EFG0", "OBCD-EFGH",
        "ABCD-1FGH", "ABCD-EFGI", "ABCL-EFGH", "ABCD-EFGH&", "ABC%-EFGH", "ABCD--FGH"}) {
    EXPECT_FALSE(net::is_join_code_form(bad)) << bad;
  }
}

}  // namespace
}  // namespace rt
