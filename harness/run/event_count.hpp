// EventCount: lets a thread sleep until another thread says that a condition
// it cannot wait on by itself (a queue not empty, a queue not full) may have
// become true. It is what turns any queue's try_push / try_pop into blocking
// calls (harness_block.hpp), for queues without blocking calls of their own.
//
// A waiter:   key = prepare_wait(); if (condition()) cancel_wait(); else wait(key, timeout);
// A notifier: make the condition true; notify_one();
//
// No lost wake-up: a waiter that found the condition false in its re-check
// and a notifier that made it true cannot both miss each other. Both update
// the waiter count with a read-modify-write (1) and (2), so the two are in
// its one modification order. If the notifier's (2) comes after the
// waiter's (1), it reads the waiter's count and moves the epoch (4), which
// the waiter's futex wait compares against its key and returns. If it comes
// before, the waiter's (1) reads a value at or after the notifier's release
// RMW (a release sequence), so it synchronises with it, and the re-check
// after (1) sees what the notifier did before (2). No fences: ThreadSanitizer
// models RMWs, not fences, and GCC refuses atomic_thread_fence under it.
//
// The epoch is a futex word (Linux): the kernel compares it with the key and
// queues the sleeper atomically, so a notify between the key's read and the
// sleep is never lost. A notifier with no waiter counted pays one RMW on the
// count (a locked add on x86): the layer's cost on a path where nobody sleeps.
#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <ctime>

namespace qb {

// Test hooks (tests/harness_event_count_test.cpp): before_sleep runs in wait()
// after the waiter's re-check and before it sleeps, the window in which a
// notify must still wake it.
struct NoEventHooks {
  static void before_sleep() noexcept {}
};

template <class Hooks = NoEventHooks>
class BasicEventCount {
 public:
  BasicEventCount() = default;
  BasicEventCount(const BasicEventCount&) = delete;
  BasicEventCount& operator=(const BasicEventCount&) = delete;

  // Counts this thread as a waiter and returns the key that wait() sleeps
  // on. The caller re-checks its condition after this call.
  std::uint32_t prepare_wait() noexcept {
    waiters_.fetch_add(1, std::memory_order_acq_rel);  // (1) acquire: pairs with (2)
    return epoch_.load(std::memory_order_acquire);     // (3) acquire: pairs with (4)
  }

  // The re-check found the condition true: no sleep.
  void cancel_wait() noexcept { waiters_.fetch_sub(1, std::memory_order_relaxed); }

  // Sleeps until a notify moves the epoch past `key`, or `timeout` passes.
  // True if notified (or the epoch had moved already), false on timeout.
  // Either way the thread is no longer counted as a waiter.
  bool wait(std::uint32_t key, std::chrono::nanoseconds timeout) noexcept {
    Hooks::before_sleep();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool notified = true;
    // (3') acquire: pairs with (4), as (3).
    while (epoch_.load(std::memory_order_acquire) == key) {
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::nanoseconds::zero()) {
        notified = false;
        break;
      }
      futex_wait(key, left);  // returns on a wake, a signal, a changed epoch or the timeout
    }
    waiters_.fetch_sub(1, std::memory_order_relaxed);
    return notified;
  }

  // After making the condition true: wakes one sleeper, if any is counted.
  void notify_one() noexcept { notify(1); }
  // Wakes every sleeper (a run's end).
  void notify_all() noexcept { notify(INT32_MAX); }

  std::uint32_t waiters() const noexcept { return waiters_.load(std::memory_order_relaxed); }

 private:
  void notify(int count) noexcept {
    // (2) release RMW (adds nothing): pairs with (1). An RMW, not a load, so
    // that it and every waiter's (1) are ordered in the count's modification
    // order, which is what the argument at the top needs.
    if (waiters_.fetch_add(0, std::memory_order_release) != 0) [[unlikely]] wake(count);
  }

  [[gnu::noinline]] void wake(int count) noexcept {
    epoch_.fetch_add(1, std::memory_order_release);  // (4) release: pairs with (3) and (3')
    syscall(SYS_futex, word(), FUTEX_WAKE_PRIVATE, count, nullptr, nullptr, 0);
  }

  void futex_wait(std::uint32_t key, std::chrono::nanoseconds left) noexcept {
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(left);
    timespec ts{};
    ts.tv_sec = static_cast<std::time_t>(secs.count());
    ts.tv_nsec = static_cast<long>((left - secs).count());
    // EAGAIN (the epoch moved), EINTR and ETIMEDOUT all go back to the loop.
    syscall(SYS_futex, word(), FUTEX_WAIT_PRIVATE, key, &ts, nullptr, 0);
  }

  std::uint32_t* word() noexcept { return reinterpret_cast<std::uint32_t*>(&epoch_); }

  static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t) &&
                    std::atomic<std::uint32_t>::is_always_lock_free,
                "the epoch is used as a futex word");

  std::atomic<std::uint32_t> epoch_{0};
  std::atomic<std::uint32_t> waiters_{0};
};

using EventCount = BasicEventCount<>;

}  // namespace qb
