// spinlock_deque: mutex_deque with a test-and-test-and-set spinlock
// (queues/spinlock.hpp) in place of std::mutex, to measure spinning against
// sleeping on the same structure. A waiter never sleeps in the kernel: on a short
// critical section it gets the lock sooner than a futex wake-up could hand it
// over, and with more threads than cores it spins (then yields) through the
// holder's preemption instead of sleeping through it. See locked_deque.hpp
// for the invariants, the layout and the progress of both locked deques.
#pragma once

#include <string_view>

#include "queues/locked_deque.hpp"
#include "queues/spinlock.hpp"

namespace qb {

struct SpinlockPolicy {
  using Lock = Spinlock;
  static constexpr std::string_view kName = "spinlock_deque";
};

template <class T>
using SpinlockDeque = LockedDeque<T, SpinlockPolicy>;

}  // namespace qb
