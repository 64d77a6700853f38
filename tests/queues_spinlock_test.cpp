// queues/spinlock.hpp: mutual exclusion under contention with more threads
// than cores (every waiter must yield, or the preempted holder never runs
// again in time), try_lock semantics, and that what one holder writes the next
// holder sees (TSan checks the acquire/release pairing on plain data).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "queues/spinlock.hpp"
#include "tests/test_support.hpp"

namespace qb::test {
namespace {

TEST(UnitSpinlock, try_lock_fails_while_held_and_succeeds_once_released) {
  Spinlock lock;
  ASSERT_TRUE(lock.try_lock());
  EXPECT_FALSE(lock.try_lock()) << "a held lock was taken again";
  bool other_got_it = true;
  std::thread other([&] { other_got_it = lock.try_lock(); });
  other.join();
  EXPECT_FALSE(other_got_it) << "another thread took a held lock";
  lock.unlock();
  EXPECT_TRUE(lock.try_lock());
  lock.unlock();
}

// Sixteen threads on (typically) two cores increment plain counters under the
// lock. A second thread inside the critical section shows up three ways: the
// `inside` flag, a lost increment, and (under TSan) a data race on the counters.
TEST(UnitSpinlock, excludes_every_other_thread_under_contention_with_more_threads_than_cores) {
  constexpr int kThreads = 16;
  const std::uint64_t per_thread = kUnderSanitizer ? 5'000 : 100'000;
  Spinlock lock;
  std::uint64_t counter = 0;      // guarded by lock
  std::uint64_t shadow = 0;       // guarded by lock: read-modify-write across a yield
  std::atomic<int> inside{0};     // relaxed: a detector, ordered by the lock itself
  std::atomic<int> overlaps{0};   // relaxed: a count read after join
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (std::uint64_t i = 0; i < per_thread; ++i) {
        std::lock_guard guard(lock);
        if (inside.fetch_add(1, std::memory_order_relaxed) != 0) overlaps.fetch_add(1, std::memory_order_relaxed);
        ++counter;
        // Now and then the holder gives up its core mid-section, so waiters
        // really do run while the lock is held.
        if ((i + static_cast<std::uint64_t>(t)) % 1024 == 0) {
          const std::uint64_t seen = shadow;
          std::this_thread::yield();
          shadow = seen + 1;
        } else {
          ++shadow;
        }
        inside.fetch_sub(1, std::memory_order_relaxed);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(overlaps.load(std::memory_order_relaxed), 0) << "two threads held the lock at once";
  EXPECT_EQ(counter, kThreads * per_thread) << "an increment under the lock was lost";
  EXPECT_EQ(shadow, kThreads * per_thread) << "an increment across a yield was lost";
}

// A holder that sleeps: every other thread waits in lock(), more of them than
// cores. They must yield (not spin forever) for the holder to be scheduled
// promptly; the test bounds the whole hand-over generously.
TEST(UnitSpinlock, waiters_let_a_sleeping_holder_finish_and_then_each_get_the_lock) {
  constexpr int kWaiters = 8;
  Spinlock lock;
  std::atomic<int> acquired{0};  // relaxed: a count read after join
  lock.lock();
  std::vector<std::thread> waiters;
  for (int t = 0; t < kWaiters; ++t) {
    waiters.emplace_back([&] {
      std::lock_guard guard(lock);
      acquired.fetch_add(1, std::memory_order_relaxed);
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(acquired.load(std::memory_order_relaxed), 0) << "a waiter got a held lock";
  const auto released = std::chrono::steady_clock::now();
  lock.unlock();
  for (auto& th : waiters) th.join();
  const auto handover = std::chrono::steady_clock::now() - released;
  EXPECT_EQ(acquired.load(std::memory_order_relaxed), kWaiters);
  EXPECT_LT(handover, std::chrono::seconds(10)) << "the waiters took too long to pass the lock along";
}

}  // namespace
}  // namespace qb::test
