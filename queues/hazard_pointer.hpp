// A minimal hazard-pointer domain: one slot per thread, shared by every queue
// that needs it (today mpsc_elastic's producers).
//
// Invariants:
// - records are only ever added to the list, never removed or freed, so a
//   scan can always walk it (the memory is reclaimed at process exit);
// - a record is owned by at most one live thread (in_use), and only its owner
//   writes its pointer;
// - a pointer that a scan sees in some record must not be freed.
//
// A thread keeps its hazard set between operations on purpose: a producer
// that finds its hazard already equal to the ring it loads needs no fence on
// its fast path (see MpscElastic::protect_current). The cost is that an idle
// thread pins one retired ring until it next operates or exits.
#pragma once

#include <atomic>

#include "queues/cache_line.hpp"

namespace qb::detail {

struct alignas(kFalseSharingRange) HazardRecord {
  std::atomic<const void*> pointer{nullptr};
  std::atomic<bool> in_use{false};
  HazardRecord* next = nullptr;  // immutable once the record is in the list
};

class HazardDomain {
 public:
  // Never destroyed: thread_local owners release their records during thread
  // exit, which may come after static destruction has begun.
  static HazardDomain& instance() {
    static HazardDomain* domain = new HazardDomain;
    return *domain;
  }

  HazardRecord* acquire() {
    // (1) acquire: pairs with the release (2) that linked each record, so its
    // fields are initialised before we read them.
    for (HazardRecord* r = head_.load(std::memory_order_acquire); r != nullptr; r = r->next) {
      bool expected = false;
      // (3) acquire: pairs with the release (4) of the record's previous
      // owner, whose last pointer store (nullptr) is then visible to us.
      if (!r->in_use.load(std::memory_order_relaxed) &&
          r->in_use.compare_exchange_strong(expected, true, std::memory_order_acquire,
                                            std::memory_order_relaxed)) {
        return r;
      }
    }
    auto* r = new HazardRecord;
    r->in_use.store(true, std::memory_order_relaxed);  // relaxed: not yet shared
    r->next = head_.load(std::memory_order_relaxed);  // relaxed: the CAS below checks it
    // (2) release: publishes the record's initialised fields to (1) and (5).
    while (!head_.compare_exchange_weak(r->next, r, std::memory_order_release,
                                        std::memory_order_relaxed)) {
    }
    return r;
  }

  void release(HazardRecord* r) {
    // seq_cst: clearing a hazard is an ordinary hazard store (see protect).
    r->pointer.store(nullptr, std::memory_order_seq_cst);
    // (4) release: our nullptr store happens before the next owner's (3).
    r->in_use.store(false, std::memory_order_release);
  }

  // True if some thread currently protects p. The caller must have made p
  // unreachable for new readers with a seq_cst operation before calling, so
  // that (with the readers' seq_cst hazard store and re-check) either we see
  // their hazard or they see p unlinked.
  bool is_protected(const void* p) const {
    // (5) acquire: as (1).
    for (HazardRecord* r = head_.load(std::memory_order_acquire); r != nullptr; r = r->next) {
      // seq_cst: the scan half of the store-then-load pairing described above.
      if (r->pointer.load(std::memory_order_seq_cst) == p) return true;
    }
    return false;
  }

 private:
  HazardDomain() = default;
  std::atomic<HazardRecord*> head_{nullptr};
};

// This thread's record, taken on first use and given back when the thread exits.
inline HazardRecord& my_hazard_record() {
  thread_local struct Owner {
    HazardRecord* record = HazardDomain::instance().acquire();
    ~Owner() { HazardDomain::instance().release(record); }
  } owner;
  return *owner.record;
}

}  // namespace qb::detail
