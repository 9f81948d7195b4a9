#include "app/config.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace rt::app {
namespace {

std::map<std::string, std::string> g_env;

const char* fake_env(const char* name) {
  auto it = g_env.find(name);
  return it == g_env.end() ? nullptr : it->second.c_str();
}

ParseResult parse(std::vector<const char*> args, std::map<std::string, std::string> env = {}) {
  g_env = std::move(env);
  args.insert(args.begin(), "roundtable");
  return parse_config(static_cast<int>(args.size()), args.data(), fake_env);
}

TEST(Config, DefaultsMatchTheDocumentation) {
  auto r = parse({});
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->port, 8080);
  EXPECT_EQ(r.config->bind, "127.0.0.1");
  EXPECT_EQ(r.config->redis_url, "");
  EXPECT_EQ(r.config->data_dir, "./data");
  EXPECT_TRUE(r.config->allowed_origins.empty());
}

TEST(Config, FlagsWinOverTheEnvironment) {
  auto r = parse({"--port", "9000", "--allowed-origin=https://a.example", "--allowed-origin",
                  "https://b.example"},
                 {{"ROUNDTABLE_PORT", "7000"},
                  {"ROUNDTABLE_ALLOWED_ORIGIN", "https://env.example"},
                  {"ROUNDTABLE_REDIS", "redis://h:1/2"}});
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->port, 9000);
  EXPECT_EQ(r.config->redis_url, "redis://h:1/2");
  EXPECT_EQ(r.config->allowed_origins,
            (std::vector<std::string>{"https://a.example", "https://b.example"}));
}

TEST(Config, EnvironmentOriginsAreCommaSeparated) {
  auto r = parse({}, {{"ROUNDTABLE_ALLOWED_ORIGIN", "https://a.example,https://b.example"}});
  EXPECT_EQ(r.config->allowed_origins.size(), 2u);
}

TEST(Config, BadValuesAndUnknownFlagsExitWithUsageError) {
  for (auto args : std::vector<std::vector<const char*>>{{"--port", "x"},
                                                         {"--port", "70000"},
                                                         {"--threads", "-1"},
                                                         {"--log-level", "loud"},
                                                         {"--secret", "short"},
                                                         {"--frobnicate"},
                                                         {"--port"}}) {
    auto r = parse(args);
    EXPECT_FALSE(r.config) << args[0];
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.output.find("roundtable:"), std::string::npos);
  }
  EXPECT_FALSE(parse({}, {{"ROUNDTABLE_PORT", "nope"}}).config);
}

TEST(Config, HelpListsEveryFlagAndItsVariable) {
  auto r = parse({"--help"});
  EXPECT_FALSE(r.config);
  EXPECT_EQ(r.exit_code, 0);
  for (auto flag : {"--port", "--bind", "--redis", "--data-dir", "--web-root", "--threads",
                    "--allowed-origin", "--log-level", "--secret", "ROUNDTABLE_PORT"}) {
    EXPECT_NE(r.output.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace rt::app

namespace rt::app {
namespace {

TEST(Config, DurabilityIsEverysecStrictOrNone) {
  EXPECT_EQ(parse({}).config->durability, Persistence::everysec);
  EXPECT_EQ(parse({"--durability", "strict"}).config->durability, Persistence::always);
  EXPECT_EQ(parse({"--durability", "none"}).config->durability, Persistence::none);
  EXPECT_EQ(parse({}, {{"ROUNDTABLE_DURABILITY", "strict"}}).config->durability,
            Persistence::always);
  auto bad = parse({"--durability", "always"});
  EXPECT_FALSE(bad.config);
  EXPECT_NE(bad.exit_code, 0);
}

TEST(Config, CommandsPerSecondIsAPositiveLimit) {
  EXPECT_EQ(parse({}).config->commands_per_second, 20);
  EXPECT_EQ(parse({"--commands-per-second", "500"}).config->commands_per_second, 500);
  EXPECT_EQ(parse({}, {{"ROUNDTABLE_COMMANDS_PER_SECOND", "5"}}).config->commands_per_second, 5);
  for (auto bad : {"0", "-3", "100001", "fast"}) {
    auto r = parse({"--commands-per-second", bad});
    EXPECT_FALSE(r.config) << bad;
    EXPECT_EQ(r.exit_code, 2) << bad;
  }
}

TEST(Config, CommitWindowPerConnectionIsMicrosecondsUpToTenThousand) {
  EXPECT_EQ(parse({}).config->commit_window_per_connection_us, 20);
  EXPECT_EQ(
      parse({"--commit-window-per-connection-us", "0"}).config->commit_window_per_connection_us, 0);
  EXPECT_EQ(parse({}, {{"ROUNDTABLE_COMMIT_WINDOW_PER_CONNECTION_US", "200"}})
                .config->commit_window_per_connection_us,
            200);
  for (auto bad : {"-1", "10001", "12us"}) {
    auto r = parse({"--commit-window-per-connection-us", bad});
    EXPECT_FALSE(r.config) << bad;
    EXPECT_EQ(r.exit_code, 2) << bad;
  }
}

TEST(Config, TlsNeedsBothCertificateAndKey) {
  auto both = parse({"--tls-cert", "c.pem"}, {{"ROUNDTABLE_TLS_KEY", "k.pem"}});
  ASSERT_TRUE(both.config);
  EXPECT_EQ(both.config->tls_cert, "c.pem");
  EXPECT_EQ(both.config->tls_key, "k.pem");
  EXPECT_TRUE(parse({}).config->tls_cert.empty());
  for (auto half : {parse({"--tls-cert", "c.pem"}), parse({"--tls-key", "k.pem"})}) {
    EXPECT_FALSE(half.config);
    EXPECT_EQ(half.exit_code, 2);
    EXPECT_NE(half.output.find("--tls-cert and --tls-key go together"), std::string::npos);
  }
}

}  // namespace
}  // namespace rt::app
