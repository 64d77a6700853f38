// The warnings a point or repetition carries (RepResult::warnings,
// PointResult::warnings): each a kind and the figures that kind needs, so
// that the console and the marks ask the kind, never the words, and a
// sentence can be reworded without a warning changing kind.
//
// The sentence is written only at the edge (warning_text): the results
// file's "warnings" arrays, which people and scripts (scripts/report_verdict.py
// sorts them by their opening words) read, so each kind's sentence keeps the
// words it has always had. Beside each "warnings" array the file holds
// "warning_details", the same warnings as kind and figures
// (warning_details_json), which is what qbench reads back: the forked
// child's repetition (isolation.cpp) and the journal (results_file.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace qb {

enum class WarningKind {
  unbalanced,      // pushed and popped differ by more than 10% inside the window
  starved,         // a thread moved under 10% of its fair share
  sequence_limit,  // a producer ran out of sequence numbers
  reference,       // a reference ceiling: nothing is moved, nothing validated
  noisy,           // repetitions' CV over 5%
  oversubscribed,  // more worker threads than usable CPUs
  saturated,       // a paced workload fell short of its target rate
};

inline constexpr std::array kWarningKinds = {WarningKind::unbalanced, WarningKind::starved, WarningKind::sequence_limit,
                                             WarningKind::reference,  WarningKind::noisy,   WarningKind::oversubscribed,
                                             WarningKind::saturated};

// The kind's name in "warning_details" (not the sentence's words).
constexpr std::string_view to_string(WarningKind kind) {
  switch (kind) {
    case WarningKind::unbalanced: return "unbalanced";
    case WarningKind::starved: return "starved";
    case WarningKind::sequence_limit: return "sequence_limit";
    case WarningKind::reference: return "reference";
    case WarningKind::noisy: return "noisy";
    case WarningKind::oversubscribed: return "oversubscribed";
    case WarningKind::saturated: return "saturated";
  }
  return "?";
}

enum class ThreadRole { producer, consumer };

constexpr std::string_view to_string(ThreadRole role) { return role == ThreadRole::producer ? "producer" : "consumer"; }

// Which claim a reference ceiling makes (run/ceiling.hpp); here because its
// warning names it.
enum class CeilingOp { faa, cas };

constexpr std::string_view to_string(CeilingOp op) { return op == CeilingOp::faa ? "faa" : "cas"; }

// One warning. Only the figures of its kind are meaningful (the named
// constructors set them); the others stay at their defaults, so two
// warnings compare equal exactly when they say the same thing.
struct Warning {
  WarningKind kind = WarningKind::unbalanced;
  // Set on a point's copy of one of its repetitions' warnings: that
  // repetition, 0-based as RepResult::repetition (the sentence counts from 1).
  std::optional<int> repetition;
  ThreadRole role = ThreadRole::producer;  // starved, sequence_limit: the thread...
  int thread = 0;                          // ...and its index in its role
  std::uint64_t items = 0;                 // starved: the thread's items in the window
  double fair_share = 0;                   // starved: its role's items over its threads
  std::uint64_t pushed = 0, popped = 0;    // unbalanced: in the window
  std::uint64_t counted = 0;               // unbalanced: the items counted (the smaller)
  CeilingOp op = CeilingOp::faa;           // reference
  double cv_percent = 0;                   // noisy: the repetitions' CV, in percent

  static Warning unbalanced_window(std::uint64_t pushed, std::uint64_t popped, std::uint64_t counted);
  static Warning starved_thread(ThreadRole role, int thread, std::uint64_t items, double fair_share);
  static Warning sequence_limit_hit(ThreadRole role, int thread);
  static Warning reference_ceiling(CeilingOp op);
  static Warning noisy_repetitions(double cv_percent);
  static Warning oversubscribed_cpus();
  static Warning saturated_rate();

  // This repetition's warning as its point carries it.
  Warning of_repetition(int rep) const;

  friend bool operator==(const Warning&, const Warning&) = default;
};

// The sentence, as the results file and the console write it, e.g.
// "rep 2: starved consumer 1: 3 items, fair share 900".
std::string warning_text(const Warning& w);

// The results file's pair of arrays: the sentences ("warnings") and the
// kinds and figures ("warning_details": [{"kind", "repetition" when lifted
// onto a point, and the kind's figures}]), in the same order.
nlohmann::json warning_sentences_json(const std::vector<Warning>& warnings);
nlohmann::json warning_details_json(const std::vector<Warning>& warnings);

// Reads "warning_details" back; the sentences are not read. An unknown kind,
// role or op, or a missing figure, throws naming it.
std::vector<Warning> warnings_from_details(const nlohmann::json& details);

}  // namespace qb
