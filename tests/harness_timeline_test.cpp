// The run skeleton's promises (timeline.hpp): a fixed-count window holds
// exactly the counted items whatever the warm-up, a queue that damages the
// bytes past the tag is invalid with the exact count of damaged items, a
// backlog is marked, and the waiting policy follows the placement.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <thread>

#include "harness/run/payload.hpp"
#include "harness/run/phase.hpp"
#include "harness/run/point_runner.hpp"
#include "harness/run/timeline_state.hpp"
#include "harness/run/wait.hpp"
#include "harness/workloads/engine.hpp"
#include "queues/segmented.hpp"
#include "queues/sequence_ring.hpp"

namespace {

using namespace std::chrono_literals;

std::vector<int> unpinned(const qb::PointParams& p) {
  return std::vector<int>(static_cast<std::size_t>(p.producers + p.consumers), -1);
}

std::uint64_t window_items(const qb::RepResult& rep, const char* role) {
  std::uint64_t n = 0;
  for (const auto& t : rep.threads) n += t.role == role ? t.items : 0;
  return n;
}

TEST(Timeline, fixed_count_window_holds_exactly_the_counted_items_after_a_long_warmup) {
  qb::PointParams p;
  p.queue = "segmented";
  p.producers = 2;
  p.consumers = 1;
  p.items = 40000;
  p.warmup = 200ms;  // producers of an unbounded queue build a large backlog here
  p.placement = qb::Placement::none;
  p.counters = qb::none_counter_selection();
  for (int rep_index = 0; rep_index < 3; ++rep_index) {
    const auto rep = qb::run_repetition<qb::Segmented<qb::Payload<8>>>(p, unpinned(p));
    ASSERT_EQ(rep.status, qb::RepStatus::ok) << rep.failure;
    EXPECT_EQ(window_items(rep, "producer"), 40000u);
    EXPECT_EQ(window_items(rep, "consumer"), 40000u);
    EXPECT_EQ(rep.items, 40000u);
    EXPECT_GT(rep.validation.pushed, 40000u) << "the warm-up pushed items too, outside the window";
    EXPECT_EQ(rep.validation.pushed, rep.validation.popped);
    EXPECT_FALSE(rep.backlog_ratio.has_value());
  }
}

// Overwrites every fill word of every `every`-th item it hands out (counted
// across consumers), leaving the tag alone, so only the payload check sees it.
template <class T>
class CorruptingDeque {
 public:
  using value_type = T;
  static constexpr qb::QueueTraits traits{
      .name = "corrupting_deque",
      .bounded = false,
      .producers = qb::Multiplicity::many,
      .consumers = qb::Multiplicity::many,
      .progress = qb::Progress::blocking,
      .order = qb::Order::fifo,
      .capacity_required = false,
  };
  static inline std::uint64_t every = 1;

  explicit CorruptingDeque(std::size_t = 0) {}
  bool try_push(T&& v) {
    std::lock_guard lock(mutex_);
    items_.push_back(std::move(v));
    return true;
  }
  bool try_pop(T& out) {
    std::lock_guard lock(mutex_);
    if (items_.empty()) return false;
    out = items_.front();
    items_.pop_front();
    if (++pops_ % every == 0) {
      for (auto& word : out.fill) word = 0x5a5a5a5a5a5a5a5aull;
    }
    return true;
  }

 private:
  std::mutex mutex_;
  std::deque<T> items_;
  std::uint64_t pops_ = 0;
};

qb::PointParams corrupt_point() {
  qb::PointParams p;
  p.producers = 2;
  p.consumers = 2;
  p.items = 20000;
  p.warmup = 10ms;
  p.payload_bytes = 64;
  p.capacity = 64;  // the deques ignore it; sequence_ring needs one
  p.placement = qb::Placement::none;
  p.counters = qb::none_counter_selection();
  return p;
}

TEST(Timeline, a_queue_that_overwrites_every_payload_is_invalid_with_every_item_counted) {
  CorruptingDeque<qb::Payload<64>>::every = 1;
  const auto p = corrupt_point();
  const auto rep = qb::run_repetition<CorruptingDeque<qb::Payload<64>>>(p, unpinned(p));
  EXPECT_EQ(rep.status, qb::RepStatus::invalid);
  EXPECT_TRUE(rep.payload_checked);
  EXPECT_EQ(rep.validation.corrupted, rep.validation.popped);
  EXPECT_EQ(rep.validation.lost + rep.validation.duplicated + rep.validation.unexpected, 0u);
  EXPECT_EQ(rep.items_per_s, 0);
}

TEST(Timeline, a_queue_that_overwrites_every_1000th_payload_is_invalid_with_the_exact_count) {
  CorruptingDeque<qb::Payload<256>>::every = 1000;
  auto p = corrupt_point();
  p.payload_bytes = 256;
  const auto rep = qb::run_repetition<CorruptingDeque<qb::Payload<256>>>(p, unpinned(p));
  EXPECT_EQ(rep.status, qb::RepStatus::invalid);
  EXPECT_EQ(rep.validation.corrupted, rep.validation.popped / 1000);
  EXPECT_GE(rep.validation.corrupted, 20u);
}

TEST(Timeline, payload_check_off_lets_the_same_queue_pass_and_says_so) {
  CorruptingDeque<qb::Payload<64>>::every = 1;
  auto p = corrupt_point();
  p.payload_check = qb::PayloadCheck::off;
  const auto rep = qb::run_repetition<CorruptingDeque<qb::Payload<64>>>(p, unpinned(p));
  EXPECT_EQ(rep.status, qb::RepStatus::ok) << rep.failure;
  EXPECT_FALSE(rep.payload_checked);
  EXPECT_EQ(rep.validation.corrupted, 0u);
}

TEST(Timeline, a_correct_queue_passes_the_payload_check_at_every_size) {
  auto p = corrupt_point();
  p.payload_bytes = 256;
  const auto rep = qb::run_repetition<qb::SequenceRing<qb::Payload<256>>>(p, unpinned(p));
  ASSERT_EQ(rep.status, qb::RepStatus::ok) << rep.failure;
  EXPECT_TRUE(rep.payload_checked);
  EXPECT_EQ(rep.validation.corrupted, 0u);
  EXPECT_EQ(rep.item_bytes, 256);
}

// Its first 5,000 pops take at least 20 us each (longer than the 50 ms
// window), so an unbounded queue's producer outruns the consumer inside the
// window; the rest are fast, so the drain after it is quick.
template <class T>
class SlowPopDeque : public CorruptingDeque<T> {
 public:
  using CorruptingDeque<T>::CorruptingDeque;
  bool try_pop(T& out) {
    if (slow_pops_ < 5000) {
      ++slow_pops_;  // one consumer
      std::this_thread::sleep_for(20us);
    }
    std::lock_guard lock(mutex_);
    if (items_.empty()) return false;
    out = items_.front();
    items_.pop_front();
    return true;
  }
  bool try_push(T&& v) {
    std::lock_guard lock(mutex_);
    if (items_.size() >= 1'000'000) return false;  // bounds the memory a fast producer takes
    items_.push_back(std::move(v));
    return true;
  }

 private:
  std::mutex mutex_;
  std::deque<T> items_;
  std::uint64_t slow_pops_ = 0;
};

TEST(Timeline, producers_that_outrun_the_consumer_mark_a_backlog) {
  qb::PointParams p;
  p.producers = 1;
  p.consumers = 1;
  p.warmup = 1ms;
  p.duration = 50ms;
  p.placement = qb::Placement::none;
  p.counters = qb::none_counter_selection();
  const auto rep = qb::run_repetition<SlowPopDeque<qb::Payload<8>>>(p, unpinned(p));
  ASSERT_EQ(rep.status, qb::RepStatus::ok) << rep.failure;
  ASSERT_TRUE(rep.backlog_ratio.has_value());
  EXPECT_GT(*rep.backlog_ratio, 10.0);
}

TEST(Timeline, items_sent_during_the_warmup_and_popped_in_the_window_are_in_the_latency_sample) {
  // The slow consumer leaves a backlog of warm-up items that it pops inside
  // the window: their sends were noted, so every sampled pop is paired.
  qb::PointParams p;
  p.producers = 1;
  p.consumers = 1;
  p.warmup = 20ms;
  p.duration = 30ms;
  p.latency_sample_period = 4;
  p.placement = qb::Placement::none;
  p.counters = qb::none_counter_selection();
  const auto rep = qb::run_repetition<SlowPopDeque<qb::Payload<8>>>(p, unpinned(p));
  ASSERT_EQ(rep.status, qb::RepStatus::ok) << rep.failure;
  const auto& sample = rep.latency.at("e2e").at("sample");
  EXPECT_GT(sample.at("sampled").get<std::uint64_t>(), 0u);
  EXPECT_EQ(sample.at("unmatched"), 0u);
}

TEST(Timeline, wait_policy_pauses_only_when_every_thread_has_a_cpu_of_its_own) {
  EXPECT_EQ(qb::choose_wait_policy({0, 1, 2, 3}), qb::WaitPolicy::pause);
  EXPECT_EQ(qb::choose_wait_policy({0, 1, 0}), qb::WaitPolicy::backoff);
  EXPECT_EQ(qb::choose_wait_policy({0, -1}), qb::WaitPolicy::backoff);
  qb::PointParams p;
  p.producers = 1;
  p.consumers = 1;
  p.items = 1000;
  p.capacity = 64;
  p.warmup = 1ms;
  p.placement = qb::Placement::none;
  p.counters = qb::none_counter_selection();
  const auto rep = qb::run_repetition<qb::SequenceRing<qb::Payload<8>>>(p, unpinned(p));
  ASSERT_EQ(rep.status, qb::RepStatus::ok) << rep.failure;
  EXPECT_EQ(rep.wait_policy, qb::WaitPolicy::backoff);
}

TEST(Timeline, wait_block_on_a_queue_without_blocking_calls_falls_back_to_the_placements_policy) {
  EXPECT_EQ(qb::detail::timeline_wait_policy(qb::WaitMode::block, true, {0, 1}), qb::WaitPolicy::block);
  EXPECT_EQ(qb::detail::timeline_wait_policy(qb::WaitMode::block, false, {0, 1}), qb::WaitPolicy::pause);
  EXPECT_EQ(qb::detail::timeline_wait_policy(qb::WaitMode::block, false, {0, 0}), qb::WaitPolicy::backoff);
  EXPECT_EQ(qb::detail::timeline_wait_policy(qb::WaitMode::pause, false, {0, 0}), qb::WaitPolicy::pause);
  EXPECT_EQ(qb::detail::timeline_wait_policy(qb::WaitMode::backoff, false, {0, 1}), qb::WaitPolicy::backoff);
  EXPECT_EQ(qb::detail::timeline_wait_policy(qb::WaitMode::spin, false, {0, -1}), qb::WaitPolicy::backoff);
}

TEST(Timeline, a_worker_notes_its_window_start_once_however_often_it_sees_the_window) {
  qb::detail::Worker w;
  qb::Phase seen = qb::Phase::warmup;
  w.total = 5;
  w.failed = 2;
  w.observe(qb::Phase::settle, seen);
  EXPECT_EQ(seen, qb::Phase::settle);
  EXPECT_EQ(w.start, qb::detail::SteadyClock::time_point{}) << "the settle pause is outside the window";
  w.observe(qb::Phase::measure, seen);
  const auto start = w.start;
  EXPECT_NE(start, qb::detail::SteadyClock::time_point{});
  EXPECT_EQ(w.at_start, 5u);
  EXPECT_EQ(w.failed_at_start, 2u);
  w.total = 9;
  w.observe(qb::Phase::measure, seen);
  EXPECT_EQ(w.start, start);
  EXPECT_EQ(w.at_start, 5u);
  EXPECT_EQ(w.stop, qb::detail::SteadyClock::time_point{});
  w.failed = 4;
  w.observe(qb::Phase::stop, seen);
  EXPECT_EQ(seen, qb::Phase::stop);
  EXPECT_GE(w.stop, start);
  EXPECT_EQ(w.at_stop, 9u);
  EXPECT_EQ(w.failed_at_stop, 4u);
}

TEST(Timeline, a_worker_that_skips_from_warmup_to_stop_marks_both_window_edges) {
  // A thread that first looks after the window has closed (or that ends on
  // an error in the warm-up) has an empty window, not a missing one.
  qb::detail::Worker w;
  qb::Phase seen = qb::Phase::warmup;
  w.total = 7;
  w.observe(qb::Phase::stop, seen);
  EXPECT_EQ(seen, qb::Phase::stop);
  EXPECT_NE(w.start, qb::detail::SteadyClock::time_point{});
  EXPECT_GE(w.stop, w.start);
  EXPECT_EQ(w.at_start, 7u);
  EXPECT_EQ(w.at_stop, 7u);
}

TEST(Timeline, a_pausing_waiter_yields_after_its_limit_so_nothing_spins_forever) {
  qb::Waiter waiter(qb::WaitPolicy::pause);
  // Past kPauseLimit every wait is a yield; the call returns either way, and
  // a reset starts pausing again. What this checks is that wait() keeps
  // returning well past the limit (a thread on a shared CPU gets it back).
  const auto start = std::chrono::steady_clock::now();
  for (std::uint32_t i = 0; i < qb::Waiter::kPauseLimit + 1000; ++i) waiter.wait();
  waiter.reset();
  waiter.wait();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
}

TEST(Timeline, a_workload_runs_through_the_same_skeleton_with_exact_fixed_count_windows) {
  qb::PointParams p;
  p.producers = 2;
  p.consumers = 1;
  p.items = 20000;
  p.warmup = 50ms;
  p.placement = qb::Placement::none;
  p.counters = qb::none_counter_selection();
  p.workload.kind = qb::WorkloadKind::give_up;
  p.workload.give_up_after = 100;
  const auto rep = qb::run_workload<qb::Segmented<qb::Payload<8>>>(p, unpinned(p));
  ASSERT_EQ(rep.status, qb::RepStatus::ok) << rep.failure;
  EXPECT_EQ(window_items(rep, "producer"), 20000u);
  EXPECT_EQ(window_items(rep, "consumer"), 20000u);
  EXPECT_EQ(rep.latency.at("e2e").at("sample").at("unmatched"), 0u);
}

}  // namespace
