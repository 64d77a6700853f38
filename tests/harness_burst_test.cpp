// The measured window's fast path (harness/run/timeline_bursts.hpp) keeps
// every check: at 1P1C with no per-call timing, where plain throughput moves
// its window's items in bursts, a queue that loses, duplicates, reorders or
// damages items is caught with the exact count of each, with the e2e latency
// sample on and off.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>

#include "harness/run/payload.hpp"
#include "harness/run/point_runner.hpp"

namespace {

using namespace std::chrono_literals;

// What MisbehavingDeque did, counted as it did it.
struct Misdeeds {
  std::uint64_t dropped = 0, doubled = 0, swapped = 0, damaged = 0;
};

// A FIFO deque that, counting pushes from 1: drops push n when n % 700 == 0;
// else stores it twice when n % 1100 == 0; else, when n % 900 == 0 and the
// item at the back was stored plainly, puts it in front of that item (one
// item out of its producer's order). It overwrites the fill words of every
// 1000th item it hands out, where the item has any. Each misdeed is
// counted, so a test can ask for exact counts.
template <class T>
class MisbehavingDeque {
 public:
  using value_type = T;
  static constexpr qb::QueueTraits traits{
      .name = "misbehaving_deque",
      .bounded = false,
      .producers = qb::Multiplicity::one,
      .consumers = qb::Multiplicity::one,
      .progress = qb::Progress::blocking,
      .order = qb::Order::fifo,
      .capacity_required = false,
  };
  static inline Misdeeds done;

  explicit MisbehavingDeque(std::size_t = 0) { done = {}; }

  bool try_push(T&& v) {
    std::lock_guard lock(mutex_);
    ++pushes_;
    if (pushes_ % 700 == 0) {
      ++done.dropped;
      back_is_plain_ = false;
      return true;
    }
    if (pushes_ % 1100 == 0) {
      ++done.doubled;
      items_.push_back(v);
      items_.push_back(std::move(v));
      back_is_plain_ = false;
      return true;
    }
    if (pushes_ % 900 == 0 && back_is_plain_ && !items_.empty()) {
      ++done.swapped;
      items_.insert(items_.end() - 1, std::move(v));
      back_is_plain_ = false;
      return true;
    }
    items_.push_back(std::move(v));
    back_is_plain_ = true;
    return true;
  }

  bool try_pop(T& out) {
    std::lock_guard lock(mutex_);
    if (items_.empty()) return false;
    out = items_.front();
    items_.pop_front();
    if (items_.empty()) back_is_plain_ = false;
    if constexpr (T::kFillWords > 0) {
      if (++pops_ % 1000 == 0) {
        for (auto& word : out.fill) word = 0x5a5a5a5a5a5a5a5aull;
        ++done.damaged;
      }
    }
    return true;
  }

 private:
  std::mutex mutex_;
  std::deque<T> items_;
  std::uint64_t pushes_ = 0, pops_ = 0;
  bool back_is_plain_ = false;
};

qb::PointParams one_to_one(qb::LatencyMode latency, int payload_bytes) {
  qb::PointParams p;
  p.producers = 1;
  p.consumers = 1;
  p.items = 50000;  // fixed count: the window's items go through the bursts
  p.warmup = 10ms;
  p.latency = latency;
  p.payload_bytes = payload_bytes;
  p.placement = qb::Placement::none;
  p.counters = qb::none_counter_selection();
  return p;
}

template <class Item>
void expect_every_misdeed_counted(qb::LatencyMode latency) {
  using Q = MisbehavingDeque<Item>;
  const auto p = one_to_one(latency, static_cast<int>(sizeof(Item)));
  const auto rep = qb::run_repetition<Q>(p, std::vector<int>(2, -1));
  const Misdeeds& done = Q::done;
  ASSERT_GE(done.dropped, 50000u / 700) << "the window alone holds this many";
  ASSERT_GE(done.doubled, 10u);
  ASSERT_GE(done.swapped, 10u);
  EXPECT_EQ(rep.status, qb::RepStatus::invalid);
  EXPECT_EQ(rep.validation.lost, done.dropped);
  EXPECT_EQ(rep.validation.duplicated, done.doubled);
  EXPECT_EQ(rep.validation.misordered, done.swapped);
  EXPECT_EQ(rep.validation.corrupted, done.damaged);
  if constexpr (Item::kFillWords > 0) {
    EXPECT_GE(done.damaged, 50u);
  }
  EXPECT_EQ(rep.items_per_s, 0);
}

TEST(Bursts, a_1p1c_window_without_latency_counts_every_lost_doubled_and_reordered_item) {
  expect_every_misdeed_counted<qb::Payload<8>>(qb::LatencyMode::off);
}

TEST(Bursts, a_1p1c_window_with_the_e2e_sample_counts_every_lost_doubled_and_reordered_item) {
  expect_every_misdeed_counted<qb::Payload<8>>(qb::LatencyMode::e2e);
}

TEST(Bursts, a_1p1c_window_of_64_byte_items_also_counts_every_damaged_payload) {
  expect_every_misdeed_counted<qb::Payload<64>>(qb::LatencyMode::off);
}

}  // namespace
