// A minimal hazard-pointer domain shared by every queue that needs one: each
// thread has one record with a slot that it keeps set between operations
// (mpsc_elastic's producers) and kOpSlots slots that hold pointers only for
// the length of one operation (linked_cas).
//
// Invariants:
// - records are only ever added to the list, never removed or freed, so a
//   scan can always walk it (the memory is reclaimed at process exit);
// - a record is owned by at most one live thread (in_use), and only its owner
//   writes its slots;
// - a pointer that a scan sees in some slot of some record must not be freed;
// - `pointer` belongs to mpsc_elastic alone: it stays set after an operation;
//   op_slots are null between operations, so every queue that clears them
//   before returning may use them (an operation never runs inside another on
//   the same thread).
//
// A thread keeps its `pointer` hazard set between operations on purpose: a
// producer that finds its hazard already equal to the ring it loads needs no
// fence on its fast path (see MpscElastic::protect_current), and reads its
// own copy of it in thread-local storage, not the shared record. The cost is that
// an idle thread pins one retired ring until it next operates or exits.
//
// Protocol, for every slot: a reader stores the pointer (seq_cst), then
// re-loads the place it read it from (seq_cst) and uses it only if it is
// still there; a reclaimer makes the pointer unreachable from that place with
// a seq_cst operation, then scans (seq_cst loads). In the single total order
// of seq_cst operations either the re-load follows the unlink (the reader
// retries) or the hazard store precedes the scan (the scan sees it).
#pragma once

#include <atomic>
#include <cstddef>
#include <vector>

#include "queues/cache_line.hpp"

namespace qb::detail {

struct alignas(kFalseSharingRange) HazardRecord {
  static constexpr std::size_t kOpSlots = 2;
  std::atomic<const void*> pointer{nullptr};
  std::atomic<const void*> op_slots[kOpSlots] = {};
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
    // relaxed: the op slots are already null between operations; (4) orders
    // these stores before the next owner in any case.
    for (auto& slot : r->op_slots) slot.store(nullptr, std::memory_order_relaxed);
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
      for (const auto& slot : r->op_slots) {
        if (slot.load(std::memory_order_seq_cst) == p) return true;  // seq_cst: as above
      }
    }
    return false;
  }

  // Appends every non-null hazard to `out` (unsorted), with the same contract
  // as is_protected: a reclaimer with many pointers to check scans once.
  void collect(std::vector<const void*>& out) const {
    // (6) acquire: as (1).
    for (HazardRecord* r = head_.load(std::memory_order_acquire); r != nullptr; r = r->next) {
      // seq_cst, all: the scan half of the pairing, as in is_protected.
      if (const void* p = r->pointer.load(std::memory_order_seq_cst)) out.push_back(p);
      for (const auto& slot : r->op_slots) {
        if (const void* p = slot.load(std::memory_order_seq_cst)) out.push_back(p);
      }
    }
  }

 private:
  HazardDomain() = default;
  std::atomic<HazardRecord*> head_{nullptr};
};

// This thread's record, null until its first use. A pointer of trivial type
// with constant initialisation, so reading it is one TLS load: no
// initialisation guard.
constinit inline thread_local HazardRecord* tls_record = nullptr;

// A copy, private to this thread, of its record's `pointer` (null while it
// has no record). Only the owner writes `pointer`, always through
// set_pointer_hazard, which updates both: so a fast path can ask "does my
// hazard name p?" with one TLS load and no look at the shared record.
constinit inline thread_local const void* tls_pointer_hazard = nullptr;

// Takes a record for this thread and arranges its release at thread exit.
// Out of line: it runs once per thread.
[[gnu::noinline]] inline HazardRecord* claim_hazard_record() {
  thread_local struct Owner {
    Owner() { tls_record = HazardDomain::instance().acquire(); }
    ~Owner() {
      HazardDomain::instance().release(tls_record);  // clears `pointer`
      tls_record = nullptr;
      tls_pointer_hazard = nullptr;
    }
  } owner;
  // A use after this thread's Owner was destroyed (from another
  // thread_local's destructor) takes a record that it never gives back: a
  // record lost, never a hazard dropped early.
  if (tls_record == nullptr) tls_record = HazardDomain::instance().acquire();
  return tls_record;
}

// This thread's record, taken on first use and given back when the thread exits.
inline HazardRecord& my_hazard_record() {
  HazardRecord* r = tls_record;
  if (r == nullptr) [[unlikely]] r = claim_hazard_record();
  return *r;
}

// What this thread's `pointer` hazard names (null if it has no record).
inline const void* my_pointer_hazard() noexcept { return tls_pointer_hazard; }

// Sets this thread's `pointer` hazard to p: the seq_cst store of the hazard
// protocol above, and the thread's private copy.
inline void set_pointer_hazard(HazardRecord& mine, const void* p) {
  mine.pointer.store(p, std::memory_order_seq_cst);
  tls_pointer_hazard = p;
}

}  // namespace qb::detail
