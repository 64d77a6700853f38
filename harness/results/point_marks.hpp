// The marks the console puts on a point: the kinds of warning it carries
// (by the warnings' kinds: the same warnings the results file writes as
// sentences, so the console and the file never disagree), each with the figure that says how bad it was, and the one mark
// that needs the whole sweep: a collapse, a point far below the same queue's
// other shapes.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "harness/model/run_types.hpp"
#include "harness/model/warnings.hpp"

namespace qb {

// A collapse: a point's median under 1/kCollapseFactor of the best median of
// the same queue and workload in the sweep. On the 2-core VM the slowest
// shape of a healthy queue is within 20x of its best (oversubscription and
// the host's slow spells included); ck_ring_mpmc's 4x1 is 48,000x below.
constexpr double kCollapseFactor = 100;

struct PointMarks {
  std::array<int, kWarningKinds.size()> warnings{};  // how many of each kind
  // The worst case of each kind, where the point has it.
  double unbalanced_ratio = 0;     // larger side over the smaller, pushed and popped in the window
  bool pushed_more = true;         // the larger side was pushed
  double starved_share = 1;        // the starved thread's items over its fair share
  std::string starved_thread;      // "producer 2"
  bool collapse = false;
  double collapse_factor = 0;      // the queue's best median over this point's
  std::string best_shape;          // "1x1": where the best median was
  int threads = 0;                 // producers + consumers

  int count(WarningKind kind) const { return warnings[static_cast<std::size_t>(kind)]; }
  bool any_warning() const;
};

// One mark per point, in the same order.
std::vector<PointMarks> point_marks(const std::vector<PointResult>& points);

// The flags column: one letter a mark, in a fixed order ("XBSNO"), "" for none.
// X collapse, B backlog (unbalanced window), S starved, N noisy,
// O oversubscribed, R reference ceiling, W any other warning (a sequence
// limit, a saturated rate: the kinds without a letter of their own).
std::string flag_letters(const PointMarks& marks);

}  // namespace qb
