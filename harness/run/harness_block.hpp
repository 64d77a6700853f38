// --wait block for a queue without blocking calls of its own: the harness's
// blocking push and pop, built on the queue's try_push / try_pop and two
// event counts (event_count.hpp), one that consumers sleep on (not empty)
// and one that producers of a bounded queue sleep on (not full).
//
// Each call first tries up to `spin` times more with one PAUSE between tries
// (0: it sleeps after the first failed try), then sleeps until notified or
// until its timeout passes, so that the run's thread can look at the phase
// again (point_runner.hpp's kBlockSlice). Every successful push notifies the
// consumers' count and, for a bounded queue, every successful pop notifies
// the producers': with nobody asleep that is one RMW on a waiter count per call.
// The JSON marks such points `harness` and points that used a queue's own
// blocking calls `native`.
#pragma once

#include <chrono>
#include <cstdint>
#include <utility>

#include "harness/run/event_count.hpp"
#include "queues/backoff.hpp"
#include "queues/cache_line.hpp"

namespace qb {

// Each count in a range of its own: every push writes not_empty's (its
// notify is an RMW) and, on a bounded queue, every pop writes not_full's.
template <class Hooks = NoEventHooks>
struct BasicBlockingWaits {
  alignas(kFalseSharingRange) BasicEventCount<Hooks> not_empty;  // consumers sleep here
  alignas(kFalseSharingRange) BasicEventCount<Hooks> not_full;   // producers sleep here, bounded queues only
  alignas(kFalseSharingRange) std::uint32_t spin = 0;             // failed tries before a thread sleeps
  bool bounded = true;               // whether a push can fail for want of room
};

using BlockingWaits = BasicBlockingWaits<>;

namespace detail {

// The slow paths, out of line so that the fast path (one try and one notify)
// inlines into the caller's loop as small as the try alone plus one RMW and
// a branch.
template <class Q, class Waits>
[[gnu::noinline]] bool harness_push_slow(Q& q, typename Q::value_type&& item, Waits& w,
                                         std::chrono::nanoseconds timeout) {
  for (std::uint32_t tries = 0; tries < w.spin; ++tries) {
    cpu_relax();
    if (q.try_push(std::move(item))) {
      w.not_empty.notify_one();
      return true;
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const std::uint32_t key = w.not_full.prepare_wait();
    if (q.try_push(std::move(item))) {
      w.not_full.cancel_wait();
      w.not_empty.notify_one();
      return true;
    }
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::nanoseconds::zero()) {
      w.not_full.cancel_wait();
      return false;
    }
    if (!w.not_full.wait(key, left)) return false;
  }
}

template <class Q, class Waits>
[[gnu::noinline]] bool harness_pop_slow(Q& q, typename Q::value_type& out, Waits& w,
                                        std::chrono::nanoseconds timeout) {
  for (std::uint32_t tries = 0; tries < w.spin; ++tries) {
    cpu_relax();
    if (q.try_pop(out)) {
      if (w.bounded) w.not_full.notify_one();
      return true;
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const std::uint32_t key = w.not_empty.prepare_wait();
    if (q.try_pop(out)) {
      w.not_empty.cancel_wait();
      if (w.bounded) w.not_full.notify_one();
      return true;
    }
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::nanoseconds::zero()) {
      w.not_empty.cancel_wait();
      return false;
    }
    if (!w.not_empty.wait(key, left)) return false;
  }
}

}  // namespace detail

// True with the item pushed; false (the item untouched) if `timeout` passed.
template <class Q, class Waits>
bool harness_push(Q& q, typename Q::value_type&& item, Waits& w, std::chrono::nanoseconds timeout) {
  if (q.try_push(std::move(item))) [[likely]] {
    w.not_empty.notify_one();
    return true;
  }
  return detail::harness_push_slow(q, std::move(item), w, timeout);
}

// True with an item in `out`; false (`out` untouched) if `timeout` passed.
template <class Q, class Waits>
bool harness_pop(Q& q, typename Q::value_type& out, Waits& w, std::chrono::nanoseconds timeout) {
  if (q.try_pop(out)) [[likely]] {
    if (w.bounded) w.not_full.notify_one();
    return true;
  }
  return detail::harness_pop_slow(q, out, w, timeout);
}

}  // namespace qb
