#include "harness/counters/native_names.hpp"

#include <perfmon/pfmlib.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <unordered_set>

#include "harness/counters/edit_distance.hpp"
#include "harness/counters/event_kinds.hpp"

namespace qb {
namespace {

struct KnownEvent {
  std::string pmu;
  std::string name;
  std::vector<std::string> attributes;  // umasks and modifiers (k, u, c, ...)
  bool here = false;                    // its PMU is one this machine has
};

struct Tables {
  bool started = false;
  std::vector<KnownEvent> events;
};

// Every table, read once: some 18,000 events, tens of milliseconds.
const Tables& tables() {
  static const Tables t = [] {
    Tables out;
    out.started = pfm_initialize() == PFM_SUCCESS;
    if (!out.started) return out;
    for (int pmu = PFM_PMU_NONE; pmu < PFM_PMU_MAX; ++pmu) {
      pfm_pmu_info_t info{};
      info.size = sizeof info;
      if (pfm_get_pmu_info(static_cast<pfm_pmu_t>(pmu), &info) != PFM_SUCCESS) continue;
      for (int idx = info.first_event; idx != -1; idx = pfm_get_event_next(idx)) {
        pfm_event_info_t ev{};
        ev.size = sizeof ev;
        if (pfm_get_event_info(idx, PFM_OS_NONE, &ev) != PFM_SUCCESS || ev.name == nullptr) continue;
        KnownEvent known{info.name, ev.name, {}, info.is_present != 0};
        for (int a = 0; a < ev.nattrs; ++a) {
          pfm_event_attr_info_t attr{};
          attr.size = sizeof attr;
          if (pfm_get_event_attr_info(idx, a, PFM_OS_NONE, &attr) == PFM_SUCCESS && attr.name != nullptr) {
            known.attributes.emplace_back(attr.name);
          }
        }
        out.events.push_back(std::move(known));
      }
    }
    return out;
  }();
  return t;
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

// "pmu::EVENT:A:b=1" -> pmu "pmu", parts {"EVENT", "A", "b"}; `dots` splits at '.' too.
struct Parsed {
  std::string pmu;
  std::vector<std::string> parts;
};

Parsed parse(std::string_view name, bool dots) {
  Parsed p;
  if (const auto sep = name.find("::"); sep != std::string_view::npos) {
    p.pmu = std::string(name.substr(0, sep));
    name.remove_prefix(sep + 2);
  }
  std::string part;
  const auto flush = [&] {
    p.parts.push_back(part.substr(0, part.find('=')));
    part.clear();
  };
  for (const char c : name) {
    if (c == ':' || (dots && c == '.')) {
      flush();
    } else {
      part += c;
    }
  }
  flush();
  return p;
}

bool has_attribute(const KnownEvent& e, std::string_view attr) {
  return std::any_of(e.attributes.begin(), e.attributes.end(), [&](const auto& a) { return iequals(a, attr); });
}

// The events named p.parts[0] (in p.pmu when given).
std::vector<const KnownEvent*> events_named(const Parsed& p) {
  std::vector<const KnownEvent*> out;
  for (const KnownEvent& e : tables().events) {
    if (iequals(e.name, p.parts.front()) && (p.pmu.empty() || iequals(e.pmu, p.pmu))) out.push_back(&e);
  }
  return out;
}

bool known_as(const Parsed& p) {
  for (const KnownEvent* e : events_named(p)) {
    if (std::all_of(p.parts.begin() + 1, p.parts.end(), [&](const auto& a) { return has_attribute(*e, a); })) return true;
  }
  return false;
}

}  // namespace

bool libpfm4_knows(std::string_view name) {
  if (!tables().started) return true;
  // EVENT.UMASK is perf's spelling; a '.' may also be part of an event's own name.
  return known_as(parse(name, false)) || known_as(parse(name, true));
}

std::vector<std::string> libpfm4_closest(std::string_view name, std::size_t count) {
  std::vector<std::pair<std::size_t, std::string>> ranked;
  std::unordered_set<std::string> seen;  // lower case: libpfm4's names are
  const auto consider = [&](std::string candidate) {
    std::string key = candidate;
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (seen.insert(std::move(key)).second) ranked.emplace_back(edit_distance(name, candidate), std::move(candidate));
  };
  for (const CounterEventInfo& info : counter_events()) consider(std::string(info.name));
  for (const bool dots : {false, true}) {
    const Parsed p = parse(name, dots);
    if (p.parts.size() < 2) continue;
    // The event is known, an attribute is not: its attributes, in the user's spelling.
    // "pmu::EVENT" and the separator the user wrote, then each attribute.
    const std::string head(name.substr(0, name.find(p.parts.front()) + p.parts.front().size() + 1));
    for (const KnownEvent* e : events_named(p)) {
      for (const auto& attr : e->attributes) consider(head + attr);
    }
  }
  for (const KnownEvent& e : tables().events) {
    if (e.here) consider(e.name);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < ranked.size() && i < count; ++i) out.push_back(ranked[i].second);
  return out;
}

}  // namespace qb
