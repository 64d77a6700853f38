// mutex_deque: std::deque guarded by one std::mutex, the baseline every
// concurrent queue is compared with. A waiter that finds the mutex taken
// sleeps in the kernel (a futex) until the holder wakes it, so under
// contention each hand-off can cost a wake-up. See locked_deque.hpp for the
// invariants, the layout and the progress of both locked deques.
#pragma once

#include <mutex>
#include <string_view>

#include "queues/locked_deque.hpp"

namespace qb {

struct StdMutexPolicy {
  using Lock = std::mutex;
  static constexpr std::string_view kName = "mutex_deque";
};

template <class T>
using MutexDeque = LockedDeque<T, StdMutexPolicy>;

}  // namespace qb
