#include "harness/model/warnings.hpp"

#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace qb {

using nlohmann::json;

Warning Warning::unbalanced_window(std::uint64_t pushed, std::uint64_t popped, std::uint64_t counted) {
  Warning w;
  w.kind = WarningKind::unbalanced;
  w.pushed = pushed;
  w.popped = popped;
  w.counted = counted;
  return w;
}

Warning Warning::starved_thread(ThreadRole role, int thread, std::uint64_t items, double fair_share) {
  Warning w;
  w.kind = WarningKind::starved;
  w.role = role;
  w.thread = thread;
  w.items = items;
  w.fair_share = fair_share;
  return w;
}

Warning Warning::sequence_limit_hit(ThreadRole role, int thread) {
  Warning w;
  w.kind = WarningKind::sequence_limit;
  w.role = role;
  w.thread = thread;
  return w;
}

Warning Warning::reference_ceiling(CeilingOp op) {
  Warning w;
  w.kind = WarningKind::reference;
  w.op = op;
  return w;
}

Warning Warning::noisy_repetitions(double cv_percent) {
  Warning w;
  w.kind = WarningKind::noisy;
  w.cv_percent = cv_percent;
  return w;
}

Warning Warning::oversubscribed_cpus() {
  Warning w;
  w.kind = WarningKind::oversubscribed;
  return w;
}

Warning Warning::saturated_rate() {
  Warning w;
  w.kind = WarningKind::saturated;
  return w;
}

Warning Warning::of_repetition(int rep) const {
  Warning w = *this;
  w.repetition = rep;
  return w;
}

// The words are those qbench wrote before warnings had kinds, kept so that
// files and scripts that sort sentences by their opening words still do.
std::string warning_text(const Warning& w) {
  std::string body;
  switch (w.kind) {
    case WarningKind::unbalanced:
      body = fmt::format("unbalanced window: {} pushed, {} popped; counted {}", w.pushed, w.popped, w.counted);
      break;
    case WarningKind::starved:
      body = fmt::format("starved {} {}: {} items, fair share {:.0f}", to_string(w.role), w.thread, w.items,
                         w.fair_share);
      break;
    case WarningKind::sequence_limit:
      body = fmt::format("{} {} reached the sequence limit and stopped early", to_string(w.role), w.thread);
      break;
    case WarningKind::reference:
      body = fmt::format("reference ceiling ({}): nothing is moved, so nothing is validated",
                         w.op == CeilingOp::faa ? "fetch-add" : "compare-and-swap");
      break;
    case WarningKind::noisy: body = fmt::format("noisy: coefficient of variation {:.1f}% > 5%", w.cv_percent); break;
    case WarningKind::oversubscribed: body = "oversubscribed: more worker threads than usable CPUs"; break;
    case WarningKind::saturated: body = "saturated: achieved rate (the repetitions' median) under 99% of the target"; break;
  }
  return w.repetition ? fmt::format("rep {}: {}", *w.repetition + 1, body) : body;
}

json warning_sentences_json(const std::vector<Warning>& warnings) {
  json out = json::array();
  for (const auto& w : warnings) out.push_back(warning_text(w));
  return out;
}

json warning_details_json(const std::vector<Warning>& warnings) {
  json out = json::array();
  for (const auto& w : warnings) {
    json d{{"kind", to_string(w.kind)}};
    if (w.repetition) d["repetition"] = *w.repetition;
    switch (w.kind) {
      case WarningKind::unbalanced:
        d.update({{"pushed", w.pushed}, {"popped", w.popped}, {"counted", w.counted}});
        break;
      case WarningKind::starved:
        d.update({{"role", to_string(w.role)}, {"thread", w.thread}, {"items", w.items}, {"fair_share", w.fair_share}});
        break;
      case WarningKind::sequence_limit: d.update({{"role", to_string(w.role)}, {"thread", w.thread}}); break;
      case WarningKind::reference: d["op"] = to_string(w.op); break;
      case WarningKind::noisy: d["cv_percent"] = w.cv_percent; break;
      case WarningKind::oversubscribed:
      case WarningKind::saturated: break;
    }
    out.push_back(std::move(d));
  }
  return out;
}

namespace {

// Looks `text` up among `values` by their to_string; throws naming the key.
template <class Enum, std::size_t N>
Enum parse_detail(const json& d, const char* key, const std::array<Enum, N>& values) {
  const auto text = d.at(key).get<std::string>();
  for (const Enum v : values) {
    if (to_string(v) == text) return v;
  }
  throw std::invalid_argument(fmt::format("warning_details: unknown {} '{}'", key, text));
}

double number(const json& d, const char* key) {
  const json& v = d.at(key);  // null: the figure was NaN or an infinity
  return v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.get<double>();
}

}  // namespace

std::vector<Warning> warnings_from_details(const json& details) {
  constexpr std::array kRoles = {ThreadRole::producer, ThreadRole::consumer};
  constexpr std::array kOps = {CeilingOp::faa, CeilingOp::cas};
  std::vector<Warning> out;
  for (const json& d : details) {
    Warning w;
    switch (parse_detail(d, "kind", kWarningKinds)) {
      case WarningKind::unbalanced:
        w = Warning::unbalanced_window(d.at("pushed").get<std::uint64_t>(), d.at("popped").get<std::uint64_t>(),
                                       d.at("counted").get<std::uint64_t>());
        break;
      case WarningKind::starved:
        w = Warning::starved_thread(parse_detail(d, "role", kRoles), d.at("thread").get<int>(),
                                    d.at("items").get<std::uint64_t>(), number(d, "fair_share"));
        break;
      case WarningKind::sequence_limit:
        w = Warning::sequence_limit_hit(parse_detail(d, "role", kRoles), d.at("thread").get<int>());
        break;
      case WarningKind::reference: w = Warning::reference_ceiling(parse_detail(d, "op", kOps)); break;
      case WarningKind::noisy: w = Warning::noisy_repetitions(number(d, "cv_percent")); break;
      case WarningKind::oversubscribed: w = Warning::oversubscribed_cpus(); break;
      case WarningKind::saturated: w = Warning::saturated_rate(); break;
    }
    if (d.contains("repetition")) w.repetition = d.at("repetition").get<int>();
    out.push_back(w);
  }
  return out;
}

}  // namespace qb
