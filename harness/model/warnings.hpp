// The kinds of warning a point or repetition carries. Warnings travel as
// sentences (RepResult::warnings, PointResult::warnings, and the results
// file's "warnings" arrays); each sentence opens with its kind's phrase,
// which is defined here once, used by the code that writes the sentence, and
// read back here where the console groups warnings by kind.
#pragma once

#include <array>
#include <string_view>

namespace qb {

enum class WarningKind {
  unbalanced,      // pushed and popped differ by more than 10% inside the window
  starved,         // a thread moved under 10% of its fair share
  sequence_limit,  // a producer ran out of sequence numbers
  reference,       // a reference ceiling: nothing is moved, nothing validated
  noisy,           // repetitions' CV over 5%
  oversubscribed,  // more worker threads than usable CPUs
  saturated,       // a paced workload fell short of its target rate
  other,           // none of the above (a warning added later)
};

constexpr std::array kWarningKinds = {WarningKind::unbalanced, WarningKind::starved, WarningKind::sequence_limit,
                                      WarningKind::reference,  WarningKind::noisy,   WarningKind::oversubscribed,
                                      WarningKind::saturated,  WarningKind::other};

// The words a warning of this kind opens with ("" for other). A sequence
// limit warning opens with the thread ("producer 2 reached ..."), so its
// phrase is looked for after the thread's name.
constexpr std::string_view warning_phrase(WarningKind kind) {
  switch (kind) {
    case WarningKind::unbalanced: return "unbalanced window";
    case WarningKind::starved: return "starved";
    case WarningKind::sequence_limit: return "reached the sequence limit";
    case WarningKind::reference: return "reference ceiling";
    case WarningKind::noisy: return "noisy";
    case WarningKind::oversubscribed: return "oversubscribed";
    case WarningKind::saturated: return "saturated";
    case WarningKind::other: return "";
  }
  return "";
}

// The kind of a warning sentence as written, with or without the "rep N: "
// that a point puts before its repetitions' warnings.
constexpr WarningKind classify_warning(std::string_view text) {
  if (text.starts_with("rep ")) {
    std::size_t i = 4;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i > 4 && text.substr(i).starts_with(": ")) text.remove_prefix(i + 2);
  }
  for (const WarningKind kind : kWarningKinds) {
    const auto phrase = warning_phrase(kind);
    if (phrase.empty()) continue;
    if (kind == WarningKind::sequence_limit ? text.find(phrase) != std::string_view::npos : text.starts_with(phrase)) {
      return kind;
    }
  }
  return WarningKind::other;
}

}  // namespace qb
