// linked_cas: the Michael-Scott queue, an unbounded MPMC linked list with a
// dummy node, moved by compare-and-swap on head_ and tail_: the textbook
// lock-free queue, with the memory reclamation textbook versions leave out
// (a popped node may still be read by a thread that loaded it earlier). Popped
// nodes are freed through the hazard pointers of queues/hazard_pointer.hpp.
//
// Invariants:
// - head_ points at the dummy: the node whose value has been popped (or, for
//   the first node, never existed). The queue's items are the values of the
//   nodes after it, oldest first; each such node holds a live T.
// - tail_ points at the last node or at its predecessor (it lags by at most
//   one link: whoever finds it lagging swings it on before anything else).
// - head_ never passes tail_: a pop that finds head_ == tail_ with a linked
//   successor swings tail_ first. So a node that head_ has left is reachable
//   from neither head_ nor tail_, and from no node still in the list.
// - Node::next is null until one push links the next node, and then never
//   changes. head_ and tail_ only move forward along the list.
// - A node is deleted only after head_ has left it (it is retired by the pop
//   whose CAS moved head_ past it) and no hazard slot holds it.
// - Only the pop whose CAS moved head_ onto a node reads its value (moves it
//   out, destroys it); nobody else touches a node's value.
//
// Reclamation: a thread protects a node by storing it in its hazard slot and
// re-reading the place it came from (head_ or tail_) before using it. A pop
// that wins the CAS retires the old dummy to a per-queue lock-free stack;
// every kReclaimBatch retirements, one pop takes the whole stack, collects
// every hazard, frees the nodes no hazard names and pushes the others back.
// The winner keeps its hazard on the new dummy until it has moved the value
// out, so a later pop can retire, but not free, that node meanwhile.
//
// Why ABA cannot happen: every CAS compares a pointer that the thread holds
// in a hazard slot (head_ and tail_ against the protected head or tail, a
// node's next against null), or swings tail_ from a protected node. A
// protected node cannot be freed, so its address cannot be reused by another
// node while the CAS is pending; if head_ (tail_) still equals it, it is the
// same node, and the list has not moved past it.
//
// Progress: try_push and try_pop are lock-free (a CAS fails only because
// another thread's succeeded; a lagging tail is helped on, never waited for),
// given a lock-free allocator: try_push allocates one node, and one pop in
// kReclaimBatch allocates the hazard snapshot. try_push never fails.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "queues/backoff.hpp"
#include "queues/cache_line.hpp"
#include "queues/hazard_pointer.hpp"
#include "queues/queue.hpp"

namespace qb {

template <class T>
class LinkedCas {
  // The value is moved out after the CAS that claimed it; a throw there could
  // neither put the item back nor let it go.
  static_assert(std::is_nothrow_move_assignable_v<T> && std::is_nothrow_destructible_v<T>,
                "T's move assignment and destructor must be noexcept");

 public:
  using value_type = T;

  static constexpr QueueTraits traits{
      .name = "linked_cas",
      .bounded = false,
      .producers = Multiplicity::many,
      .consumers = Multiplicity::many,
      .progress = Progress::lock_free,
      .order = Order::fifo,
      .capacity_required = false,
  };

  // The capacity is ignored: the queue is unbounded, one node per item.
  explicit LinkedCas(std::size_t /*capacity*/ = 0) {
    Node* dummy = new Node;
    // relaxed: the queue is shared only after construction (thread start).
    head_.node.store(dummy, std::memory_order_relaxed);
    tail_.node.store(dummy, std::memory_order_relaxed);
  }

  LinkedCas(const LinkedCas&) = delete;
  LinkedCas& operator=(const LinkedCas&) = delete;

  // Quiescent by contract (every thread's op slots are null again); relaxed
  // loads throughout, as the destroying thread has synchronised with every user.
  ~LinkedCas() {
    Node* node = head_.node.load(std::memory_order_relaxed);
    Node* next = node->next.load(std::memory_order_relaxed);
    delete node;  // the dummy: no live value
    for (node = next; node != nullptr; node = next) {
      next = node->next.load(std::memory_order_relaxed);
      node->value()->~T();
      delete node;
    }
    for (node = retired_.top.load(std::memory_order_relaxed); node != nullptr; node = next) {
      next = node->retired_next;
      delete node;
    }
  }

  // Always succeeds. The value is moved into a new node before the first CAS.
  bool try_push(T&& v) {
    Node* node = new Node(std::move(v));
    std::atomic<const void*>& hazard = detail::my_hazard_record().op_slots[0];
    Backoff backoff;
    for (;;) {
      Node* tail = protect(tail_.node, hazard);
      // (1) acquire: pairs with the link (2). We may store `next` into tail_,
      // where another thread reads and dereferences it; its fields must be
      // visible to that thread through our seq_cst CAS, so to us first.
      Node* next = tail->next.load(std::memory_order_acquire);
      if (next != nullptr) {
        // tail_ lags: swing it on for whoever linked `next`, then retry.
        // (3) seq_cst: pushers validate their hazard on a tail node by
        // re-loading tail_ (protect); this CAS, which leaves the node, must
        // sit in one total order with those re-loads and, through (8), with
        // the CAS (7) and the scan of whoever retires the node.
        tail_.node.compare_exchange_strong(tail, next, std::memory_order_seq_cst);
        continue;
      }
      Node* expected = nullptr;
      // (2) release: publishes the node's value and null next to the acquire
      // loads of next, (1) and (5). Relaxed on failure: we retry from tail_.
      if (tail->next.compare_exchange_weak(expected, node, std::memory_order_release,
                                           std::memory_order_relaxed)) {
        // Failure is fine: another thread has already swung tail_ on (3).
        tail_.node.compare_exchange_strong(tail, node, std::memory_order_seq_cst);  // as (3)
        // (4) release: our reads of `tail` happen before its free by a
        // reclaimer whose scan reads this null (or a later value of the slot).
        hazard.store(nullptr, std::memory_order_release);
        return true;
      }
      backoff.spin();
    }
  }

  bool try_pop(T& out) {
    detail::HazardRecord& record = detail::my_hazard_record();
    std::atomic<const void*>& head_hazard = record.op_slots[0];
    std::atomic<const void*>& next_hazard = record.op_slots[1];
    Backoff backoff;
    for (;;) {
      Node* head = protect(head_.node, head_hazard);
      // (8) acquire: we move head_ past `head` (7) only when this load shows
      // tail_ has left it. Reading the tail CAS (3) that left it synchronises
      // with that CAS, so it happens before, and precedes in the seq_cst
      // total order, our CAS (7) and the scan after it: a pusher that
      // validated its hazard on `head` against tail_ did so before (3), so
      // the scan sees that hazard. Never dereferenced here.
      Node* tail = tail_.node.load(std::memory_order_acquire);
      // (5) acquire: pairs with the link (2): the value in `next` is constructed.
      Node* next = head->next.load(std::memory_order_acquire);
      // (6) seq_cst store, then seq_cst re-load of head_: the hazard protocol.
      // next is protected by head_ still being `head`: then `next` is still
      // head's successor, not yet left by head_, so not yet retired, and the
      // scan of whoever later retires it comes after this store.
      next_hazard.store(next, std::memory_order_seq_cst);
      if (head_.node.load(std::memory_order_seq_cst) != head) continue;
      if (next == nullptr) {  // empty: head_ was the last node at the re-load
        clear(head_hazard, next_hazard);
        return false;
      }
      if (head == tail) {
        // tail_ lags behind a linked node: swing it first, so head_ never passes it.
        tail_.node.compare_exchange_strong(tail, next, std::memory_order_seq_cst);  // as (3)
        continue;
      }
      // (7) seq_cst: moving head_ past `head` unlinks it; it must precede, in
      // the total order, the scan of any reclaimer (the hazard protocol's
      // unlink half), and it is ordered with the re-loads (6) of other pops.
      if (head_.node.compare_exchange_strong(head, next, std::memory_order_seq_cst)) {
        // `next` is the new dummy; its value is ours alone, and next_hazard
        // keeps the node alive until we are done with it.
        T* value = next->value();
        out = std::move(*value);
        value->~T();
        clear(head_hazard, next_hazard);
        retire(head);
        return true;
      }
      backoff.spin();
    }
  }

  // Popped nodes not yet freed (retired, waiting for a scan or pinned by a
  // hazard); stale as soon as it returns.
  std::size_t approx_retired() const noexcept {
    return retired_.count.load(std::memory_order_relaxed);  // relaxed: a statistic
  }

 private:
  // Retired nodes between scans; below it a scan rarely frees enough to pay.
  static constexpr std::size_t kReclaimBatch = 64;

  struct Node {
    std::atomic<Node*> next{nullptr};
    Node* retired_next = nullptr;  // links the retired stack; see retire()
    alignas(T) std::byte storage[sizeof(T)];

    Node() = default;  // the dummy: no value
    explicit Node(T&& v) { ::new (static_cast<void*>(storage)) T(std::move(v)); }
    T* value() noexcept { return std::launder(reinterpret_cast<T*>(storage)); }
  };

  // Stores the pointer held at `src` into `hazard` and returns it once `src`
  // still holds it afterwards (seq_cst store, then seq_cst re-load: see
  // queues/hazard_pointer.hpp). Retries only when `src` moved meanwhile.
  static Node* protect(const std::atomic<Node*>& src, std::atomic<const void*>& hazard) {
    Node* node = src.load(std::memory_order_seq_cst);
    for (;;) {
      hazard.store(node, std::memory_order_seq_cst);
      Node* again = src.load(std::memory_order_seq_cst);
      if (again == node) return node;
      node = again;
    }
  }

  static void clear(std::atomic<const void*>& a, std::atomic<const void*>& b) {
    // release, both: as (4); our moves out of and reads of the nodes happen
    // before any free that follows a scan reading these nulls.
    a.store(nullptr, std::memory_order_release);
    b.store(nullptr, std::memory_order_release);
  }

  // `node` is unlinked by our CAS (7). Pushes it on the retired stack and, every
  // kReclaimBatch retirements or so, reclaims.
  void retire(Node* node) {
    // relaxed, the counts: a trigger, ordered with nothing. Counted before the
    // push, so a reclaimer never subtracts a node that is not yet counted.
    const std::size_t count = retired_.count.fetch_add(1, std::memory_order_relaxed) + 1;
    // relaxed: a first guess; the CAS checks it.
    Node* top = retired_.top.load(std::memory_order_relaxed);
    do {
      node->retired_next = top;
      // (9) release: publishes retired_next to the acquire exchange (10).
    } while (!retired_.top.compare_exchange_weak(top, node, std::memory_order_release,
                                                 std::memory_order_relaxed));
    if (count >= kReclaimBatch + retired_.kept.load(std::memory_order_relaxed)) reclaim();
  }

  // Takes every retired node, frees those no hazard names, pushes back the rest.
  // Several pops may reclaim at once: each takes a disjoint set.
  void reclaim() {
    // (10) acquire: pairs with the pushes (9) and (11): every retired_next in the chain is visible.
    Node* batch = retired_.top.exchange(nullptr, std::memory_order_acquire);
    if (batch == nullptr) return;
    std::vector<const void*> hazards;
    // The scan: every node in `batch` was unlinked by a seq_cst CAS (7) that
    // happens before this point (ours, or through (9)-(10)), so any hazard a
    // pop may still use is among these seq_cst loads.
    detail::HazardDomain::instance().collect(hazards);
    std::sort(hazards.begin(), hazards.end());
    Node* keep = nullptr;
    Node* keep_last = nullptr;
    std::size_t taken = 0;
    std::size_t kept = 0;
    for (Node* node = batch; node != nullptr;) {
      Node* next = node->retired_next;
      ++taken;
      if (std::binary_search(hazards.begin(), hazards.end(), static_cast<const void*>(node))) {
        node->retired_next = keep;
        keep = node;
        if (keep_last == nullptr) keep_last = node;
        ++kept;
      } else {
        delete node;
      }
      node = next;
    }
    retired_.count.fetch_sub(taken - kept, std::memory_order_relaxed);  // relaxed: as in retire
    retired_.kept.store(kept, std::memory_order_relaxed);
    if (keep == nullptr) return;
    Node* top = retired_.top.load(std::memory_order_relaxed);  // relaxed: the CAS checks it
    do {
      keep_last->retired_next = top;
      // (11) release: as (9), for the nodes pushed back.
    } while (!retired_.top.compare_exchange_weak(top, keep, std::memory_order_release,
                                                 std::memory_order_relaxed));
  }

  struct alignas(kFalseSharingRange) End {
    std::atomic<Node*> node{nullptr};
  };
  struct alignas(kFalseSharingRange) Retired {
    std::atomic<Node*> top{nullptr};
    std::atomic<std::size_t> count{0};  // nodes on the stack, roughly
    std::atomic<std::size_t> kept{0};   // how many the last scan had to keep
  };
  static_assert(alignof(End) == kFalseSharingRange && sizeof(End) == kFalseSharingRange,
                "head and tail must be kFalseSharingRange apart to prevent false sharing");
  static_assert(alignof(Retired) == kFalseSharingRange && sizeof(Retired) == kFalseSharingRange,
                "the retired stack must not share a line with head or tail");

  End head_;  // consumers' end
  End tail_;  // producers' end
  Retired retired_;
};

}  // namespace qb
