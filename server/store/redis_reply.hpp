// An owned copy of a hiredis reply: hiredis frees its reply when the callback returns
// (hiredis async.h), so everything we keep is copied out into this tree.
#pragma once

#include <string>
#include <vector>

namespace rt::store {

struct RedisReply {
  enum class Type { string, array, integer, nil, status, error };
  Type type = Type::nil;
  std::string str;  // string, status and error replies
  long long integer = 0;
  std::vector<RedisReply> elements;

  bool is_error() const { return type == Type::error; }
};

}  // namespace rt::store
