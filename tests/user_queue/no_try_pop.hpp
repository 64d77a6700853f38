// A header queue that lacks try_pop: QBENCH_QUEUE must stop its build with a
// message that names this header and the missing member.
#pragma once

#include <cstddef>

#include <qbench/queue.hpp>

namespace nopop {

template <class T>
class Half {
 public:
  using value_type = T;
  static constexpr qb::QueueTraits traits{.name = "half", .bounded = false,
                                          .producers = qb::Multiplicity::many, .consumers = qb::Multiplicity::many,
                                          .progress = qb::Progress::blocking, .order = qb::Order::fifo,
                                          .capacity_required = false};
  explicit Half(std::size_t) {}
  bool try_push(T&&) { return true; }
};

QBENCH_QUEUE(nopop::Half);

}  // namespace nopop
