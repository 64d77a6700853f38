#include "harness/check/check_battery.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "harness/run/isolation.hpp"

namespace qb::check {

namespace {

std::vector<int> sizes_taken(const QueueEntry& entry) {
  std::vector<int> sizes;
  for (int bytes : kPayloadSizes) {
    if (entry.erased_ops(bytes) != nullptr) sizes.push_back(bytes);
  }
  return sizes;
}

bool accepts(const QueueEntry& entry, std::size_t capacity) {
  try {
    entry.check_capacity(capacity);
    return true;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

std::string sizes_text(const std::vector<int>& sizes) {
  std::string out;
  for (int s : sizes) out += fmt::format("{}{}", out.empty() ? "" : ", ", s);
  return out + " B";
}

}  // namespace

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::pass: return "pass";
    case Verdict::fail: return "FAIL";
    case Verdict::not_reached: return "not reached";
    case Verdict::not_applicable: return "n/a";
  }
  return "?";
}

std::size_t smallest_capacity(const QueueEntry& entry) {
  if (!entry.traits.bounded && !entry.traits.capacity_required) return entry.default_capacity;
  for (std::size_t c = 1; c <= 16; ++c) {
    if (accepts(entry, c)) return c;
  }
  for (std::size_t c = 32; c < entry.default_capacity; c *= 2) {
    if (accepts(entry, c)) return c;
  }
  return entry.default_capacity;
}

std::vector<RunSpec> plan_runs(const QueueEntry& entry, const Options& options) {
  const auto& t = entry.traits;
  const bool order = promises_per_producer_order(t);
  const int max_p = t.producers == Multiplicity::many ? options.max_threads : 1;
  const int max_c = t.consumers == Multiplicity::many ? options.max_threads : 1;
  const std::size_t def = entry.default_capacity;
  const std::size_t small = smallest_capacity(entry);
  std::vector<RunSpec> runs;
  auto add = [&](bool threaded, int p, int c, int bytes, std::size_t capacity) {
    RunSpec r;
    r.threaded = threaded;
    r.producers = p;
    r.consumers = c;
    r.item_bytes = bytes;
    r.capacity = capacity;
    r.items = options.items;
    r.check_order = order;
    r.bounded = t.bounded;
    r.label = threaded ? fmt::format("{}x{}, {} B, capacity {}", p, c, bytes, capacity)
                       : fmt::format("one thread, {} B, capacity {}", bytes, capacity);
    runs.push_back(std::move(r));
  };
  const auto sizes = sizes_taken(entry);
  // Cheapest and most telling first: one thread, then 1x1, then the
  // smallest capacity (most slot reuse), then every shape by thread count.
  for (int bytes : sizes) {
    add(false, 1, 1, bytes, small);
    if (def != small) add(false, 1, 1, bytes, def);
  }
  for (int bytes : sizes) add(true, 1, 1, bytes, def);
  if (small != def) {
    for (int bytes : sizes) {
      add(true, 1, 1, bytes, small);
      if (max_p > 1 || max_c > 1) add(true, max_p, max_c, bytes, small);
    }
  }
  for (int threads = 3; threads <= max_p + max_c; ++threads) {
    for (int p = 1; p <= max_p; ++p) {
      const int c = threads - p;
      if (c < 1 || c > max_c) continue;
      for (int bytes : sizes) add(true, p, c, bytes, def);
    }
  }
  return runs;
}

QueueReport check_queue(const QueueEntry& entry, const Options& options) {
  QueueReport report;
  report.queue = std::string(entry.traits.name);
  report.origin = entry.origin;
  const auto& t = entry.traits;
  const auto sizes = sizes_taken(entry);
  const std::size_t small = smallest_capacity(entry);
  report.summary = fmt::format("{}, {} producer{}, {} consumer{}, {}; items {}; capacity {}",
                               t.bounded ? "bounded" : "unbounded", to_string(t.producers),
                               t.producers == Multiplicity::many ? "s" : "", to_string(t.consumers),
                               t.consumers == Multiplicity::many ? "s" : "", to_string(t.order), sizes_text(sizes),
                               small == entry.default_capacity ? fmt::format("{}", small)
                                                               : fmt::format("{} and {}", small, entry.default_capacity));
  for (auto c : kCategories) report.checks.push_back({c, Verdict::pass, {}});
  auto line = [&](Category c) -> CheckLine& { return report.checks[static_cast<std::size_t>(c)]; };
  if (!promises_per_producer_order(t)) {
    line(Category::order) = {Category::order, Verdict::not_applicable, "the traits promise no order (order none)"};
  }

  const auto runs = plan_runs(entry, options);
  report.planned = static_cast<int>(runs.size());
  const auto start = std::chrono::steady_clock::now();
  bool stopped = false;
  int threaded_runs = 0, semantic_runs = 0;
  std::vector<std::string> notes;
  for (const auto& spec : runs) {
    const ErasedQueueOps* ops = entry.erased_ops(spec.item_bytes);
    const ChildOutcome child =
        run_in_child([&] { return to_json(run_spec(*ops, spec)).dump(); }, options.run_timeout);
    ++report.runs;
    RunOutcome outcome;
    if (child.status == RepStatus::interrupted) throw Interrupted(child.failure);
    if (child.status != RepStatus::ok) {
      outcome.findings.push_back({Category::liveness, fmt::format("{}: {}", spec.label, child.failure)});
    } else {
      outcome = outcome_from_json(nlohmann::json::parse(child.json_text));
    }
    (spec.threaded ? threaded_runs : semantic_runs) += 1;
    if (!spec.threaded && !outcome.note.empty() && std::find(notes.begin(), notes.end(), outcome.note) == notes.end()) {
      notes.push_back(outcome.note);
    }
    if (outcome.findings.empty()) continue;
    for (const auto& f : outcome.findings) {
      auto& l = line(f.category);
      if (l.verdict != Verdict::fail) l = {f.category, Verdict::fail, f.detail};
    }
    stopped = true;
    break;
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const int max_p = t.producers == Multiplicity::many ? options.max_threads : 1;
  const int max_c = t.consumers == Multiplicity::many ? options.max_threads : 1;
  const std::string covered = fmt::format("{} delivery runs, shapes 1x1 to {}x{}, {}", threaded_runs, max_p, max_c, sizes_text(sizes));
  for (auto& l : report.checks) {
    if (l.verdict == Verdict::fail) {
      report.pass = false;
      continue;
    }
    if (l.verdict == Verdict::not_applicable) continue;
    if (stopped) {
      l.verdict = Verdict::not_reached;
      l.detail = fmt::format("the battery stopped at the first failure, after {} of {} runs", report.runs, report.planned);
      continue;
    }
    switch (l.category) {
      case Category::empty_full:
        l.detail = fmt::format("{} single-thread runs: {}", semantic_runs, fmt::join(notes, "; "));
        break;
      case Category::exactly_once: l.detail = fmt::format("every item once, none left over: {}", covered); break;
      case Category::order: l.detail = fmt::format("each producer's items in push order at every consumer: {}", covered); break;
      case Category::payload: l.detail = fmt::format("every byte as its producer wrote it: {}", covered); break;
      case Category::liveness:
        l.detail = fmt::format("{} runs finished, each within {} ms", report.runs, options.run_timeout.count());
        break;
    }
  }
  return report;
}

nlohmann::json to_json(const QueueReport& report) {
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& l : report.checks) {
    checks.push_back({{"check", to_string(l.category)}, {"verdict", l.verdict == Verdict::fail ? "fail" : to_string(l.verdict)},
                      {"detail", l.detail}});
  }
  return {{"queue", report.queue}, {"origin", report.origin}, {"summary", report.summary},
          {"verdict", report.pass ? "pass" : "fail"}, {"checks", checks}, {"runs", report.runs},
          {"planned_runs", report.planned}, {"seconds", report.seconds}};
}

}  // namespace qb::check
