// liburcu's wait-free concurrent queue, wfcqueue (Debian liburcu-dev; linked
// as pkg-config's liburcu-cds, whose liburcu-common holds the functions).
//
// wfcqueue is not an RCU structure: it takes no read-side locks and waits for
// no grace period, so threads need no rcu_register_thread(), and a dequeued
// node may be freed at once (the header says so). The adapter allocates one
// node per push, holding the element, and deletes it in the pop that takes it.
//
// Enqueue is wait-free: an exchange on the tail, then a store linking the old
// tail to the new node. Dequeuers must exclude one another; here they share
// the library's dequeue lock (a pthread mutex), so consumers are many but the
// queue is blocking: a preempted consumer holding the lock stalls the others.
// Under the lock the adapter calls the non-blocking dequeue, which returns
// "would block" instead of spinning when the next node is not yet linked (a
// producer between its exchange and its link); try_pop then fails, so a
// stalled producer hides every later item until it resumes. FIFO: items
// leave in the order of their tail exchanges. Unbounded: capacity ignored.
//
// _LGPL_SOURCE is not defined, so the calls go to the shared library instead
// of inlining its LGPL code.
#pragma once

#include <urcu/wfcqueue.h>

#include <cstddef>
#include <utility>

#include "queues/cache_line.hpp"
#include "queues/queue.hpp"

namespace qb {

template <class T>
class UrcuWfcqueue {
 public:
  using value_type = T;
  static constexpr QueueTraits traits{
      .name = "urcu_wfcqueue", .bounded = false, .producers = Multiplicity::many,
      .consumers = Multiplicity::many, .progress = Progress::blocking, .order = Order::fifo,
      .capacity_required = false};

  explicit UrcuWfcqueue(std::size_t /*capacity: unbounded*/ = 0) { cds_wfcq_init(&head_, &tail_); }
  UrcuWfcqueue(const UrcuWfcqueue&) = delete;  // tail_ points into head_
  UrcuWfcqueue& operator=(const UrcuWfcqueue&) = delete;
  ~UrcuWfcqueue() {
    while (Node* left = dequeue()) delete left;
    cds_wfcq_destroy(&head_, &tail_);
  }

  bool try_push(T&& value) {
    auto* node = new Node(std::move(value));
    cds_wfcq_node_init(node);
    cds_wfcq_enqueue(cds_wfcq_head_cast(&head_), &tail_, node);
    return true;
  }

  bool try_pop(T& out) {
    Node* node = dequeue();
    if (node == nullptr) return false;
    out = std::move(node->value);
    delete node;
    return true;
  }

 private:
  struct Node : cds_wfcq_node {
    explicit Node(T&& v) : value(std::move(v)) {}
    T value;
  };

  // The first node, or nullptr when the queue is empty or its first node is
  // not linked yet.
  Node* dequeue() {
    cds_wfcq_dequeue_lock(&head_, &tail_);
    cds_wfcq_node* node = __cds_wfcq_dequeue_nonblocking(cds_wfcq_head_cast(&head_), &tail_);
    cds_wfcq_dequeue_unlock(&head_, &tail_);
    return node == nullptr || node == CDS_WFCQ_WOULDBLOCK ? nullptr : static_cast<Node*>(node);
  }

  // Apart, as the header advises when enqueuers and dequeuers run on many CPUs.
  alignas(kFalseSharingRange) cds_wfcq_head head_;
  alignas(kFalseSharingRange) cds_wfcq_tail tail_;
};

}  // namespace qb
