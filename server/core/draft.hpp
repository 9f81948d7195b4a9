// What a decision makes before it becomes an event: the reducer gives each draft its seq,
// time, actor and cid (reducer.cpp). The rule modules (votes, partner updates, the speaking
// queue) return drafts so that one command can make several events.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace rt::core {

struct Draft {
  std::string kind;
  nlohmann::json data;
  nlohmann::json sealed = nullptr;  // see Event::sealed
  bool anonymous = false;
};
using Drafts = std::vector<Draft>;

}  // namespace rt::core
