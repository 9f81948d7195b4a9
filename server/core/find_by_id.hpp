// The element of a list whose `id` is `id`, or nullptr: how participants, votes and
// partner-update slots are looked up (lists of tens, where a scan beats an index).
#pragma once

#include <string_view>

namespace rt::core {

template <class List>
auto* find_by_id(List& list, std::string_view id) {
  decltype(&*list.begin()) found = nullptr;
  for (auto& element : list) {
    if (element.id == id) {
      found = &element;
      break;
    }
  }
  return found;
}

}  // namespace rt::core
