// Reordering a list the way every move event means it: the element leaves its place and is
// inserted at `to`, clamped to the list, the others shifting to make room.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace rt::core {

template <class T>
void move_within(std::vector<T>& list, size_t from, size_t to) {
  T moving = std::move(list[from]);
  list.erase(list.begin() + static_cast<std::ptrdiff_t>(from));
  to = std::min(to, list.size());
  list.insert(list.begin() + static_cast<std::ptrdiff_t>(to), std::move(moving));
}

}  // namespace rt::core
