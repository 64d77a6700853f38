// Spinlock: a test-and-test-and-set lock that never sleeps in the kernel. A
// waiter reads the word until it looks free (the "test", served from its own
// cache while the holder works) and only then tries the exchange (the
// "test-and-set", which takes the line exclusively), so waiters do not take
// the line from each other on every spin. Between reads it backs off as
// queues/backoff.hpp does: 1, 2, 4 ... 64 PAUSEs, then std::this_thread::yield
// on every further step. Tests and sweeps run more threads than cores, and a
// waiter that only spun could burn the very time slice its preempted holder
// needs; yielding bounds that.
//
// Invariants:
// - locked_ is true exactly while some thread holds the lock, and only the
//   holder stores false to it;
// - a thread sets it true only by an exchange that returned false, so at most
//   one thread holds the lock.
//
// Progress: lock() is blocking (a preempted holder stalls every waiter; they
// spin, then yield, but cannot finish); try_lock() and unlock() never wait.
// Satisfies Lockable, so std::lock_guard and std::unique_lock take it.
#pragma once

#include <atomic>

#include "queues/backoff.hpp"

namespace qb {

class Spinlock {
 public:
  Spinlock() = default;
  Spinlock(const Spinlock&) = delete;
  Spinlock& operator=(const Spinlock&) = delete;

  void lock() noexcept {
    Backoff backoff;
    for (;;) {
      // (1) acquire: pairs with the release (3) of the previous holder's
      // unlock, so all it wrote inside the lock is visible to us.
      if (!locked_.exchange(true, std::memory_order_acquire)) return;
      // (2) relaxed: only a hint that the lock may be free; the acquire
      // exchange (1) that follows decides, and orders.
      while (locked_.load(std::memory_order_relaxed)) backoff.snooze();
    }
  }

  bool try_lock() noexcept {
    // relaxed test as in (2): a held lock fails without taking the line; the
    // acquire exchange as in (1).
    return !locked_.load(std::memory_order_relaxed) && !locked_.exchange(true, std::memory_order_acquire);
  }

  void unlock() noexcept {
    // (3) release: everything written while holding the lock happens before
    // the next holder's acquire exchange (1) that reads this false.
    locked_.store(false, std::memory_order_release);
  }

 private:
  std::atomic<bool> locked_{false};
};

static_assert(std::atomic<bool>::is_always_lock_free, "a spinlock built on a lock would be a lock");

}  // namespace qb
