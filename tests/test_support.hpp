// What every test shares: the stress element (Item), how many items a stress
// run pushes (stress_counts), and the delivery checker that judges a run.
// It also pulls in the lifetime-tracking element (tests/tracked.hpp) and the
// queue factories (tests/queue_factory.hpp); the threaded driver that feeds
// the checker is tests/stress_driver.hpp.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/queue_factory.hpp"
#include "tests/tracked.hpp"

namespace qb::test {

// One stress value: which producer pushed it and its place in that
// producer's sequence. No payload, so moving it is a copy of 12 bytes and
// the queue's own cost dominates the run.
struct Item {
  std::uint32_t producer = 0;
  std::uint64_t seq = 0;

  friend bool operator==(const Item&, const Item&) = default;
};

// qbench's own queues with bulk calls (qb::BulkQueue), which the bulk suites
// (queues_bulk_test.cpp, queues_bulk_stress_test.cpp) run over. A listed
// queue promises what they check beyond the concept: items moved, not
// copied; exactly the room taken at a fixed capacity; its blocks freed while
// it runs. A peer's bulk calls are its library's (some copy, some keep their
// blocks for reuse), so a queue joins by a line here, not by its concept.
template <template <class...> class List>
using OwnBulkQueues = List<SequenceRing<Item>, Segmented<Item>, MpscElastic<Item>>;

// True in ASan and TSan builds (set by tests/CMakeLists.txt). Sanitizers slow
// every atomic operation 5-20x and the test machine has two cores, so counts
// shrink, as crossbeam's `if cfg!(miri)`.
#if defined(QB_UNDER_SANITIZER)
inline constexpr bool kUnderSanitizer = true;
#else
inline constexpr bool kUnderSanitizer = false;
#endif

// How hard a stress run pushes.
enum class Pressure {
  roomy,  // the queue's usual capacity: contention on the indices
  tiny,   // capacity 2-16: every few items wrap around or resize, and a
          // failed try_push (snooze, retry) is the common case, so each item
          // costs about 10x more
};

// Items each producer pushes in one stress run. The total is split across
// the producers so that 8 producers on 2 cores take about as long as 1.
inline std::uint64_t stress_counts(int producers, Pressure pressure = Pressure::roomy) {
  std::uint64_t total = kUnderSanitizer ? 400'000 : 2'000'000;
  if (pressure == Pressure::tiny) total /= 8;
  return std::max<std::uint64_t>(total / static_cast<std::uint64_t>(producers), 1'000);
}

// What a stress run pushed: producers 0..producers-1 each pushed seq
// 0..items_per_producer-1, once each.
struct Expected {
  std::uint32_t producers = 0;
  std::uint64_t items_per_producer = 0;
  bool ordered = true;  // each consumer must see each producer's seqs increasing
};

struct DeliveryReport {
  std::uint64_t delivered = 0;   // pushed values popped at least once
  std::uint64_t lost = 0;        // values pushed but never popped
  std::uint64_t duplicated = 0;  // pops of a value beyond its first
  std::uint64_t misordered = 0;  // pops whose seq is not above that consumer's
                                 // previous seq from the same producer
  std::uint64_t unexpected = 0;  // pops naming a producer or seq never pushed
  std::vector<std::string> examples;  // the first few problems, for messages

  bool clean() const { return lost == 0 && duplicated == 0 && misordered == 0 && unexpected == 0; }

  friend std::ostream& operator<<(std::ostream& os, const DeliveryReport& r) {
    os << "delivered=" << r.delivered << " lost=" << r.lost << " duplicated=" << r.duplicated
       << " misordered=" << r.misordered << " unexpected=" << r.unexpected;
    for (const auto& e : r.examples) os << "\n  " << e;
    return os;
  }
};

// Judges one run from what each consumer popped, in the order it popped it.
// Exactly-once is a per-value count (stronger than a sum, as crossbeam's
// mpmc test); order is checked per consumer, which a FIFO queue and a
// per-producer-FIFO queue both promise.
inline DeliveryReport check_delivery(const std::vector<std::vector<Item>>& per_consumer,
                                     const Expected& expected) {
  constexpr std::size_t kMaxExamples = 8;
  DeliveryReport report;
  // Builds the message only when it will be kept.
  auto note = [&](auto... parts) {
    if (report.examples.size() >= kMaxExamples) return;
    std::ostringstream os;
    (os << ... << parts);
    report.examples.push_back(os.str());
  };
  const std::uint64_t n = expected.items_per_producer;
  std::vector<std::uint8_t> seen(static_cast<std::size_t>(expected.producers * n), 0);

  for (std::size_t c = 0; c < per_consumer.size(); ++c) {
    // -1 as "nothing yet": every seq is above it.
    std::vector<std::int64_t> last(expected.producers, -1);
    for (const Item& item : per_consumer[c]) {
      auto where = [&](const char* what) {
        note("consumer ", c, ": (", item.producer, ", ", item.seq, ") ", what);
      };
      if (item.producer >= expected.producers || item.seq >= n) {
        ++report.unexpected;
        where("was never pushed");
        continue;
      }
      auto& count = seen[static_cast<std::size_t>(item.producer * n + item.seq)];
      if (count != 0) {
        ++report.duplicated;
        where("delivered again");
      } else {
        ++report.delivered;
      }
      if (count < 255) ++count;
      auto& prev = last[item.producer];
      if (expected.ordered && static_cast<std::int64_t>(item.seq) <= prev) {
        ++report.misordered;
        note("consumer ", c, ": (", item.producer, ", ", item.seq, ") after seq ", prev,
             " from the same producer");
      }
      prev = std::max(prev, static_cast<std::int64_t>(item.seq));
    }
  }
  for (std::size_t i = 0; i < seen.size(); ++i) {
    if (seen[i] != 0) continue;
    ++report.lost;
    note("(", i / n, ", ", i % n, ") never delivered");
  }
  return report;
}


// Sleeps in short steps until `done()` or `limit` passes.
template <class F>
bool wait_until(F done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return true;
}

}  // namespace qb::test
