// SequenceRing's full and empty verdicts when the calling thread is preempted
// after reading its cell. A Hooks policy runs the "other threads" on the same
// ring at exactly that point, so each interleaving is forced, single-threaded
// and deterministic, instead of hoped for in a stress run.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <type_traits>
#include <utility>

#include "queues/sequence_ring.hpp"

namespace qb::test {
namespace {

struct ScriptedHooks;
using Ring = SequenceRing<std::uint64_t, Padding::none, ScriptedHooks>;

// Each script runs once, the first time the operation under test reaches its
// hook. Taking the script out before running it is the recursion guard: the
// script's own pushes and pops pass the hook with nothing armed.
struct ScriptedHooks {
  static inline std::function<void(Ring&)> in_push;
  static inline std::function<void(Ring&)> in_pop;

  static void after_cell_read_in_push(Ring& ring) { run_once(in_push, ring); }
  static void after_cell_read_in_pop(Ring& ring) { run_once(in_pop, ring); }

 private:
  static void run_once(std::function<void(Ring&)>& script, Ring& ring) {
    if (auto armed = std::exchange(script, nullptr)) armed(ring);
  }
};

// Existing users name SequenceRing<T> and SequenceRing<T, Padding::...>; the
// hook policy must not change what those are.
static_assert(std::is_same_v<SequenceRing<int>, SequenceRing<int, Padding::none, NoRingHooks>>);
static_assert(std::is_same_v<SequenceRing<int, Padding::cache_line>,
                             SequenceRing<int, Padding::cache_line, NoRingHooks>>);

class SequenceRingPreemption : public ::testing::Test {
 protected:
  // A script left armed by a failed test must not fire in the next one.
  void SetUp() override { disarm(); }
  void TearDown() override { disarm(); }
  static void disarm() {
    ScriptedHooks::in_push = nullptr;
    ScriptedHooks::in_pop = nullptr;
  }

  // Without this a script that never ran would pass its test vacuously.
  static void expect_scripts_ran() {
    EXPECT_FALSE(ScriptedHooks::in_push) << "the try_push under test never reached its hook";
    EXPECT_FALSE(ScriptedHooks::in_pop) << "the try_pop under test never reached its hook";
  }

  static void push_all(Ring& ring, std::uint64_t first, std::uint64_t count) {
    for (std::uint64_t v = first; v < first + count; ++v) {
      EXPECT_TRUE(ring.try_push(std::uint64_t{v})) << "pushing " << v;
    }
  }

  static void pop_expecting(Ring& ring, std::uint64_t first, std::uint64_t count) {
    for (std::uint64_t v = first; v < first + count; ++v) {
      std::uint64_t out = 0;
      EXPECT_TRUE(ring.try_pop(out)) << "expected " << v << ", ring looked empty";
      EXPECT_EQ(out, v);
    }
  }
};

// The reported bug: ticket 2 reads cell 0 still holding ticket 0; meanwhile
// consumers drain the ring and a full lap goes through, so dequeue_pos_ (4)
// is past the stale ticket and pos - dequeue_pos_ is negative.
TEST_F(SequenceRingPreemption, try_push_succeeds_when_consumers_passed_its_stale_ticket_on_an_empty_ring) {
  Ring ring(2);
  push_all(ring, 100, 2);  // tickets 0, 1: full
  ScriptedHooks::in_push = [](Ring& r) {
    pop_expecting(r, 100, 2);  // tickets 0, 1
    push_all(r, 200, 2);       // tickets 2, 3
    pop_expecting(r, 200, 2);  // dequeue_pos_ is now 4, the ring is empty
  };
  ASSERT_TRUE(ring.try_push(300)) << "try_push reported full on an empty ring";
  expect_scripts_ran();
  pop_expecting(ring, 300, 1);
  std::uint64_t out = 0;
  EXPECT_FALSE(ring.try_pop(out));
}

// The stale ticket must not turn a real "full" into a success: the others
// empty the ring and fill it again, so dequeue_pos_ equals the stale ticket.
TEST_F(SequenceRingPreemption, try_push_fails_when_others_refilled_the_ring_behind_its_stale_ticket) {
  Ring ring(2);
  push_all(ring, 100, 2);
  ScriptedHooks::in_push = [](Ring& r) {
    pop_expecting(r, 100, 2);
    push_all(r, 200, 2);  // tickets 2, 3: full again
  };
  EXPECT_FALSE(ring.try_push(300));
  expect_scripts_ran();
  pop_expecting(ring, 200, 2);
}

// As above, but one lap further: dequeue_pos_ (4) is past the stale ticket
// (2) and the ring is full, so the signed comparison alone does not decide;
// the retry with a fresh ticket must find the ring full.
TEST_F(SequenceRingPreemption, try_push_fails_when_dequeue_pos_passed_its_stale_ticket_on_a_full_ring) {
  Ring ring(2);
  push_all(ring, 100, 2);
  ScriptedHooks::in_push = [](Ring& r) {
    pop_expecting(r, 100, 2);
    push_all(r, 200, 2);
    pop_expecting(r, 200, 2);
    push_all(r, 400, 2);  // tickets 4, 5: full, dequeue_pos_ 4 > stale 2
  };
  EXPECT_FALSE(ring.try_push(300));
  expect_scripts_ran();
  pop_expecting(ring, 400, 2);
}

// The symmetric pop: ticket 0 reads cell 0 unpublished, then a producer
// publishes it before try_pop reads enqueue_pos_.
TEST_F(SequenceRingPreemption, try_pop_takes_the_item_a_producer_published_after_its_cell_read) {
  Ring ring(2);
  ScriptedHooks::in_pop = [](Ring& r) { push_all(r, 100, 1); };
  std::uint64_t out = 0;
  ASSERT_TRUE(ring.try_pop(out)) << "try_pop reported empty with an item in the ring";
  expect_scripts_ran();
  EXPECT_EQ(out, 100u);
}

// try_pop's ticket goes stale: the others push and pop past it, then leave
// one item. enqueue_pos_ (3) > stale ticket (0), so it retries and finds it.
TEST_F(SequenceRingPreemption, try_pop_takes_the_item_when_others_moved_past_its_stale_ticket) {
  Ring ring(2);
  ScriptedHooks::in_pop = [](Ring& r) {
    push_all(r, 100, 2);
    pop_expecting(r, 100, 2);
    push_all(r, 200, 1);  // ticket 2 in cell 0, the cell the stale ticket read
  };
  std::uint64_t out = 0;
  ASSERT_TRUE(ring.try_pop(out)) << "try_pop reported empty with an item in the ring";
  expect_scripts_ran();
  EXPECT_EQ(out, 200u);
}

// And when the others leave the ring empty, the stale try_pop says so rather
// than taking an item twice or waiting.
TEST_F(SequenceRingPreemption, try_pop_fails_when_others_moved_past_its_stale_ticket_and_left_it_empty) {
  Ring ring(2);
  ScriptedHooks::in_pop = [](Ring& r) {
    push_all(r, 100, 2);
    pop_expecting(r, 100, 2);
  };
  std::uint64_t out = 7;
  EXPECT_FALSE(ring.try_pop(out));
  expect_scripts_ran();
  EXPECT_EQ(out, 7u) << "a failed try_pop wrote its output";
}

// A bulk push reads its first cell free, then the others take the cells of
// its run. The cells it looked at are no longer its: its CAS from the stale
// ticket must fail and the retry put the run after theirs, none lost or
// written twice (sequence_ring_attempt.hpp's argument).
TEST_F(SequenceRingPreemption, try_push_bulk_claims_afresh_when_others_took_its_run_meanwhile) {
  Ring ring(8);
  ScriptedHooks::in_push = [](Ring& r) { push_all(r, 100, 3); };  // tickets 0-2
  std::uint64_t run[] = {300, 301, 302, 303};
  ASSERT_EQ(ring.try_push_bulk(run, 4), 4u);
  expect_scripts_ran();
  pop_expecting(ring, 100, 3);
  pop_expecting(ring, 300, 4);
  std::uint64_t out = 0;
  EXPECT_FALSE(ring.try_pop(out));
}

// The same for a bulk pop: the others pop the first items of its run after
// its first cell read, so it takes the next run, not those items again.
TEST_F(SequenceRingPreemption, try_pop_bulk_takes_the_next_run_when_others_took_its_run_meanwhile) {
  Ring ring(8);
  push_all(ring, 100, 6);
  ScriptedHooks::in_pop = [](Ring& r) { pop_expecting(r, 100, 2); };
  std::uint64_t out[3] = {};
  ASSERT_EQ(ring.try_pop_bulk(out, 3), 3u);
  expect_scripts_ran();
  EXPECT_EQ(out[0], 102u);
  EXPECT_EQ(out[1], 103u);
  EXPECT_EQ(out[2], 104u);
  pop_expecting(ring, 105, 1);
}

// The plain verdicts, with no preemption, for the default hooks and the test's.
template <class Q>
void expect_full_at_capacity_and_empty_when_drained(std::size_t capacity) {
  Q ring(capacity);
  typename Q::value_type out{};
  EXPECT_FALSE(ring.try_pop(out)) << "pop on a new ring";
  for (std::size_t lap = 0; lap < 3; ++lap) {  // the verdicts hold on every lap
    for (std::size_t i = 0; i < capacity; ++i) {
      EXPECT_TRUE(ring.try_push(typename Q::value_type(i))) << "lap " << lap << " push " << i;
    }
    EXPECT_FALSE(ring.try_push(typename Q::value_type(99))) << "lap " << lap << ": push past capacity";
    for (std::size_t i = 0; i < capacity; ++i) {
      ASSERT_TRUE(ring.try_pop(out)) << "lap " << lap << " pop " << i;
      EXPECT_EQ(out, typename Q::value_type(i));
    }
    EXPECT_FALSE(ring.try_pop(out)) << "lap " << lap << ": pop on a drained ring";
  }
}

TEST_F(SequenceRingPreemption, try_push_fails_at_capacity_and_try_pop_fails_on_empty_without_preemption) {
  for (std::size_t capacity : {2u, 4u, 8u}) {
    SCOPED_TRACE(capacity);
    expect_full_at_capacity_and_empty_when_drained<Ring>(capacity);
    expect_full_at_capacity_and_empty_when_drained<SequenceRing<std::uint64_t>>(capacity);
    expect_full_at_capacity_and_empty_when_drained<SequenceRing<int, Padding::cache_line>>(capacity);
  }
}

}  // namespace
}  // namespace qb::test
