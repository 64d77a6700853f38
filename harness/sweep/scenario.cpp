#include "harness/sweep/scenario.hpp"

#include <cmath>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "harness/model/closest_name.hpp"
#include "harness/model/numbers.hpp"
#include "harness/model/usage_error.hpp"
#include "queues/elastic_config.hpp"

namespace qb {

namespace {

using nlohmann::json;

const char* type_name(const json& v) {
  if (v.is_number_integer()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "null";
}

// Reads values at a path, failing with "FILE: PATH: REASON".
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(std::string_view path, std::string_view why) const {
    throw UsageError(fmt::format("{}: {}: {}", file_, path, why));
  }

  template <class Keys>
  void only_keys(const json& obj, std::string_view path, const Keys& allowed, std::string_view where) const {
    for (const auto& [key, value] : obj.items()) {
      bool known = false;
      std::vector<std::string> names;
      for (auto a : allowed) {
        known = known || a == key;
        names.emplace_back(a);
      }
      if (known) continue;
      // The closest key, else every key the place takes.
      const auto meant = closest_name(key, names);
      fail(join(path, key), meant ? fmt::format("unknown key {}; did you mean {}?", where, *meant)
                                  : fmt::format("unknown key {} (keys: {})", where, fmt::join(names, ", ")));
    }
  }

  void only_keys(const json& obj, std::string_view path, std::initializer_list<std::string_view> allowed,
                 std::string_view where) const {
    only_keys<std::initializer_list<std::string_view>>(obj, path, allowed, where);
  }

  const json& object(const json& v, std::string_view path) const {
    if (!v.is_object()) fail(path, fmt::format("expected an object, got {}", type_name(v)));
    return v;
  }

  std::string string(const json& v, std::string_view path) const {
    if (!v.is_string()) fail(path, fmt::format("expected a string, got {}", type_name(v)));
    return v.get<std::string>();
  }

  // A whole number in [min, max], refused as the command line refuses it
  // (numbers.hpp): the same words for a negative, a fraction, a zero and a
  // value past the bound.
  std::uint64_t count(const json& v, std::string_view path, std::uint64_t min, std::uint64_t max) const {
    if (!v.is_number()) fail(path, fmt::format("expected a whole number, got {}", type_name(v)));
    const std::string text = v.dump();
    if (v.is_number_unsigned()) return parse_count(where(path), std::to_string(v.get<std::uint64_t>()), min, max);
    return parse_count(where(path), text, min, max);  // negative or a fraction: refused, naming it
  }

  double number(const json& v, std::string_view path) const {
    if (!v.is_number()) fail(path, fmt::format("expected a number, got {}", type_name(v)));
    const double d = v.get<double>();
    if (!std::isfinite(d)) fail(path, "expected a finite number");
    return d;
  }

  // int | [int] | "1,2,4-8" -> command-line text
  std::string counts(const json& v, std::string_view path, std::uint64_t min, std::uint64_t max) const {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(count(v, path, min, max));
    if (v.is_array() && !v.empty()) {
      std::string text;
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (i > 0) text += ',';
        text += std::to_string(count(v[i], fmt::format("{}[{}]", path, i), min, max));
      }
      return text;
    }
    fail(path, fmt::format("expected a count, a non-empty array of counts or a string like \"1,2,4-8\", got {}",
                           v.is_array() ? "an empty array" : type_name(v)));
  }

  // "2s" | number of seconds -> command-line text
  std::string duration(const json& v, std::string_view path) const {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number()) return fmt::format("{}s", number(v, path));
    fail(path, fmt::format("expected a duration like \"2s\" or a number of seconds, got {}", type_name(v)));
  }

  // "FILE: PATH", the prefix of this reader's messages.
  std::string where(std::string_view path) const { return fmt::format("{}: {}", file_, path); }

  static std::string join(std::string_view path, std::string_view key) {
    return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
  }

 private:
  std::string file_;
};

// The command line's duration grammar (cli.cpp), its errors naming the file and key.
std::chrono::nanoseconds to_ns(const Reader& r, const json& v, std::string_view path) {
  return parse_duration(r.where(path), r.duration(v, path));
}

// A list of strings, as one comma list of command-line text.
std::string string_list(const Reader& r, const json& v, std::string_view key) {
  std::string text;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) text += ',';
    text += r.string(v[i], fmt::format("{}[{}]", key, i));
  }
  return text;
}

// An option's value (options.hpp) as the command line's text, checked as its
// kind allows: the command line parses it (cli.cpp), naming this file and key.
std::string option_text(const Reader& r, const Option& o, const json& v) {
  const std::string_view key = o.key;
  switch (o.kind) {
    case OptionKind::queue_list:
      if (v.is_string()) return v.get<std::string>();
      if (!v.is_array() || v.empty()) r.fail(key, "expected \"all\" or a non-empty array of queue names");
      return string_list(r, v, key);
    case OptionKind::count_list:
      return r.counts(v, key, o.min, o.max);
    case OptionKind::shape_list:
      if (v.is_string()) return v.get<std::string>();
      if (!v.is_array() || v.empty()) {
        r.fail(key, "expected a non-empty array of \"PxC\" strings (e.g. [\"1x1\", \"4x4\"])");
      }
      return string_list(r, v, key);
    case OptionKind::count:
      return std::to_string(r.count(v, key, o.min, o.max));
    case OptionKind::duration:
      return r.duration(v, key);
    case OptionKind::choice_list:  // "spin" | ["spin", "block"]
      if (v.is_array() && !v.empty()) return string_list(r, v, key);
      if (!v.is_string()) r.fail(key, fmt::format("expected a name or a non-empty array of names, got {}",
                                                   v.is_array() ? "an empty array" : type_name(v)));
      return v.get<std::string>();
    case OptionKind::choice:
    case OptionKind::counter_list:
      return r.string(v, key);
  }
  r.fail(key, "has a kind the scenario reader does not know");
}

WorkloadParams parse_workload(const Reader& r, const json& v, const std::string& path, bool needs_label) {
  r.object(v, path);
  WorkloadParams w;
  if (!v.contains("kind")) r.fail(path, "missing key \"kind\"");
  const std::string kind = r.string(v["kind"], path + ".kind");
  const auto k = parse_workload_kind(kind);
  if (!k) {
    std::vector<std::string> kinds;
    for (int i = 0; i <= static_cast<int>(WorkloadKind::pingpong); ++i) {
      kinds.emplace_back(to_string(static_cast<WorkloadKind>(i)));
    }
    const auto meant = closest_name(kind, kinds);
    r.fail(path + ".kind", meant ? fmt::format("'{}' is not a workload; did you mean {}?", kind, *meant)
                                 : fmt::format("'{}' is not a workload ({})", kind, fmt::join(kinds, ", ")));
  }
  w.kind = *k;
  const std::string where = fmt::format("for a {} workload", kind);
  switch (w.kind) {
    case WorkloadKind::throughput:
      r.only_keys(v, path, {"kind", "label"}, where);
      break;
    case WorkloadKind::paced:
      r.only_keys(v, path, {"kind", "label", "rate_per_s", "consumer_work_ns", "sample_interval"}, where);
      if (!v.contains("rate_per_s")) r.fail(path, "missing key \"rate_per_s\" (a paced workload needs a rate)");
      break;
    case WorkloadKind::admission:
      r.only_keys(v, path, {"kind", "label", "rate_per_s", "consumer_work_ns", "sample_interval", "soft_capacity",
                            "backpressure_threshold"}, where);
      if (!v.contains("soft_capacity")) r.fail(path, "missing key \"soft_capacity\"");
      break;
    case WorkloadKind::priority_lanes:
      r.only_keys(v, path, {"kind", "label", "rate_per_s", "consumer_work_ns", "sample_interval", "lanes", "policy",
                            "fair_k"}, where);
      if (!v.contains("lanes")) r.fail(path, "missing key \"lanes\"");
      if (!v.contains("policy")) r.fail(path, "missing key \"policy\" (strict or fair)");
      break;
    case WorkloadKind::give_up:
      r.only_keys(v, path, {"kind", "label", "consumer_work_ns", "give_up_after"}, where);
      if (!v.contains("give_up_after")) r.fail(path, "missing key \"give_up_after\"");
      break;
    case WorkloadKind::burst:
      r.only_keys(v, path, {"kind", "label", "consumer_work_ns", "sample_interval", "burst_items", "idle"}, where);
      if (!v.contains("burst_items")) r.fail(path, "missing key \"burst_items\"");
      if (!v.contains("idle")) r.fail(path, "missing key \"idle\"");
      break;
    case WorkloadKind::pingpong:
      r.only_keys(v, path, {"kind", "label", "round_trips", "warmup_trips", "pairs"}, where);
      break;
  }
  if (v.contains("label")) w.label = r.string(v["label"], path + ".label");
  if (needs_label && w.label.empty()) r.fail(path, "missing key \"label\" (each of several workloads needs one)");
  if (v.contains("rate_per_s")) {
    w.rate_per_s = r.number(v["rate_per_s"], path + ".rate_per_s");
    if (w.rate_per_s <= 0) r.fail(path + ".rate_per_s", fmt::format("must be > 0 (got {})", w.rate_per_s));
    if (w.rate_per_s > 1e10) r.fail(path + ".rate_per_s", fmt::format("{:g} is above 1e10 items/s", w.rate_per_s));
  }
  if (v.contains("consumer_work_ns")) w.consumer_work_ns = r.count(v["consumer_work_ns"], path + ".consumer_work_ns", 0, kMaxConsumerWorkNs);
  if (v.contains("sample_interval")) {
    w.sample_interval = to_ns(r, v["sample_interval"], path + ".sample_interval");
    if (w.sample_interval < std::chrono::milliseconds(1)) r.fail(path + ".sample_interval", "must be at least 1ms");
  }
  if (v.contains("soft_capacity")) w.soft_capacity = r.count(v["soft_capacity"], path + ".soft_capacity", 1, kMaxCapacity);
  if (v.contains("backpressure_threshold")) {
    w.backpressure_threshold = r.number(v["backpressure_threshold"], path + ".backpressure_threshold");
    if (!(w.backpressure_threshold > 0 && w.backpressure_threshold <= 1)) {
      r.fail(path + ".backpressure_threshold", fmt::format("must be in (0, 1] (got {})", w.backpressure_threshold));
    }
  }
  if (v.contains("policy")) {
    const std::string policy = r.string(v["policy"], path + ".policy");
    if (policy == "strict") w.policy = LanePolicy::strict;
    else if (policy == "fair") w.policy = LanePolicy::fair;
    else r.fail(path + ".policy", fmt::format("'{}' is not strict or fair", policy));
  }
  if (v.contains("fair_k")) {
    if (w.policy != LanePolicy::fair) r.fail(path + ".fair_k", "only a fair policy takes fair_k");
    w.fair_k = static_cast<std::uint32_t>(r.count(v["fair_k"], path + ".fair_k", 1, kMaxSmallCount));
  }
  if (v.contains("lanes")) {
    const json& lanes = v["lanes"];
    if (!lanes.is_array() || lanes.size() != kLaneCount) {
      r.fail(path + ".lanes", "expected an array of 3 lanes: high, normal, low");
    }
    double total_weight = 0;
    for (std::size_t l = 0; l < kLaneCount; ++l) {
      const std::string lp = fmt::format("{}.lanes[{}]", path, l);
      r.object(lanes[l], lp);
      r.only_keys(lanes[l], lp, {"name", "soft_capacity", "weight"}, "for a lane");
      if (lanes[l].contains("name") && r.string(lanes[l]["name"], lp + ".name") != kLaneNames[l]) {
        r.fail(lp + ".name", fmt::format("expected '{}' (lanes are high, normal, low in that order)", kLaneNames[l]));
      }
      if (lanes[l].contains("soft_capacity")) w.lanes[l].soft_capacity = r.count(lanes[l]["soft_capacity"], lp + ".soft_capacity", 1, kMaxCapacity);
      if (lanes[l].contains("weight")) {
        w.lanes[l].weight = r.number(lanes[l]["weight"], lp + ".weight");
        if (w.lanes[l].weight < 0) r.fail(lp + ".weight", "must be >= 0");
      }
      total_weight += w.lanes[l].weight;
    }
    if (total_weight <= 0) r.fail(path + ".lanes", "the lanes' weights sum to 0");
  }
  if (v.contains("give_up_after")) w.give_up_after = static_cast<std::uint32_t>(r.count(v["give_up_after"], path + ".give_up_after", 1, kMaxSmallCount));
  if (v.contains("burst_items")) w.burst_items = r.count(v["burst_items"], path + ".burst_items", 1, kMaxItems);
  if (v.contains("idle")) w.idle = to_ns(r, v["idle"], path + ".idle");
  if (v.contains("round_trips")) w.round_trips = r.count(v["round_trips"], path + ".round_trips", 1, kMaxRoundTrips);
  if (v.contains("warmup_trips")) w.warmup_trips = r.count(v["warmup_trips"], path + ".warmup_trips", 0, kMaxRoundTrips);
  if (v.contains("pairs")) {
    const json& pairs = v["pairs"];
    if (!pairs.is_array() || pairs.empty()) r.fail(path + ".pairs", "expected a non-empty array of \"near\" / \"far\"");
    w.pairs.clear();
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const std::string pair = r.string(pairs[i], fmt::format("{}.pairs[{}]", path, i));
      if (pair != "near" && pair != "far") r.fail(fmt::format("{}.pairs[{}]", path, i), fmt::format("'{}' is not near or far", pair));
      w.pairs.push_back(pair);
    }
  }
  return w;
}

ElasticParams parse_elastic(const Reader& r, const json& v) {
  r.object(v, "elastic");
  r.only_keys(v, "elastic", {"initial_capacity", "min_capacity", "max_capacity", "growth_factor", "shrink_threshold"},
              "in an elastic config");
  ElasticConfig c;
  if (v.contains("initial_capacity")) c.initial_capacity = r.count(v["initial_capacity"], "elastic.initial_capacity", 0, kMaxCapacity);
  if (v.contains("min_capacity")) c.min_capacity = r.count(v["min_capacity"], "elastic.min_capacity", 0, kMaxCapacity);
  if (v.contains("max_capacity")) c.max_capacity = r.count(v["max_capacity"], "elastic.max_capacity", 0, kMaxCapacity);
  if (v.contains("growth_factor")) c.growth_factor = r.number(v["growth_factor"], "elastic.growth_factor");
  if (v.contains("shrink_threshold")) c.shrink_threshold = r.number(v["shrink_threshold"], "elastic.shrink_threshold");
  try {
    c.validate("elastic");
  } catch (const std::invalid_argument& e) {
    r.fail("elastic", e.what());
  }
  return ElasticParams{.set = true, .initial_capacity = c.initial_capacity, .min_capacity = c.min_capacity,
                       .max_capacity = c.max_capacity, .growth_factor = c.growth_factor,
                       .shrink_threshold = c.shrink_threshold};
}

}  // namespace

Scenario parse_scenario(const json& doc, const std::string& file) {
  const Reader r(file);
  if (!doc.is_object()) r.fail("(top level)", fmt::format("expected an object, got {}", type_name(doc)));
  std::vector<std::string_view> keys{"name", "description", "source", "elastic", "plugins", "workload", "workloads"};
  for (const Option& o : options()) keys.push_back(o.key);
  r.only_keys(doc, "", keys, "in a scenario");
  Scenario s;
  s.info.file = file;
  for (const char* key : {"name", "description"}) {
    if (!doc.contains(key)) r.fail(key, "missing (every scenario has a name and a one-line description)");
  }
  s.info.name = r.string(doc["name"], "name");
  if (s.info.name.empty() || s.info.name.find_first_of("/ \t") != std::string::npos) {
    r.fail("name", fmt::format("'{}' must be non-empty, without spaces or '/' (it prefixes run ids)", s.info.name));
  }
  s.info.description = r.string(doc["description"], "description");
  if (doc.contains("source")) s.info.source = r.string(doc["source"], "source");

  if (doc.contains("plugins")) {  // shared libraries, relative to the scenario file's folder
    const json& v = doc["plugins"];
    if (!v.is_array() || v.empty()) r.fail("plugins", "expected a non-empty array of plugin paths");
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::filesystem::path path = r.string(v[i], fmt::format("plugins[{}]", i));
      s.plugins.push_back(path.is_absolute() ? path : std::filesystem::path(file).parent_path() / path);
    }
  }
  if (doc.contains("shapes") && (doc.contains("producers") || doc.contains("consumers"))) {
    r.fail("shapes", "a scenario gives shapes or producers/consumers, not both");
  }
  {
    int modes = 0;
    for (const char* key : {"duration", "items", "items_per_producer"}) modes += doc.contains(key) ? 1 : 0;
    if (modes > 1) r.fail("items", "a scenario gives one of duration, items and items_per_producer");
  }
  for (const Option& o : options()) {
    const std::string key(o.key);
    if (doc.contains(key)) s.values[option_index(o.id)] = option_text(r, o, doc[key]);
  }
  if (doc.contains("elastic")) s.elastic = parse_elastic(r, doc["elastic"]);

  if (doc.contains("workload") && doc.contains("workloads")) r.fail("workloads", "give either workload or workloads");
  if (doc.contains("workload")) {
    s.workloads.push_back(parse_workload(r, doc["workload"], "workload", false));
  } else if (doc.contains("workloads")) {
    const json& ws = doc["workloads"];
    if (!ws.is_array() || ws.empty()) r.fail("workloads", "expected a non-empty array of workloads");
    std::set<std::string> labels;
    for (std::size_t i = 0; i < ws.size(); ++i) {
      const std::string path = fmt::format("workloads[{}]", i);
      s.workloads.push_back(parse_workload(r, ws[i], path, ws.size() > 1));
      if (!labels.insert(s.workloads.back().label).second) {
        r.fail(path + ".label", fmt::format("'{}' is used twice", s.workloads.back().label));
      }
      if (s.workloads.back().kind == WorkloadKind::pingpong) r.fail(path + ".kind", "pingpong runs alone in its scenario");
    }
  } else {
    s.workloads.push_back(WorkloadParams{});
  }

  // Combinations no run can honour.
  for (const auto& w : s.workloads) {
    if (w.kind == WorkloadKind::throughput) continue;
    const std::string at = doc.contains("workload") ? "workload" : "workloads";
    if (w.kind == WorkloadKind::pingpong) {
      for (const char* key : {"producers", "consumers", "items", "items_per_producer", "duration", "payload_bytes",
                              "latency", "counters"}) {
        if (doc.contains(key)) r.fail(key, fmt::format("a pingpong scenario runs one sender and one echo; it takes no {}", key));
      }
      continue;
    }
    if (const auto& bytes = s.value(Opt::payload_bytes); bytes && *bytes != "8") {
      r.fail("payload_bytes", fmt::format("a {} workload moves 8-byte items; payload_bytes must be 8 (got {})",
                                          to_string(w.kind), *bytes));
    }
    // An unknown mode is the command line's to report (cli.cpp), as for every value it takes.
    const auto& latency = s.value(Opt::latency);
    const std::optional<LatencyMode> mode = latency ? parse_latency_mode(*latency) : std::nullopt;
    if (mode && wants_ops(*mode)) {
      r.fail("latency", fmt::format("a {} workload records e2e latency only (off or e2e, got '{}')", to_string(w.kind), *latency));
    }
    const bool items = s.value(Opt::items).has_value();
    if (w.kind == WorkloadKind::burst && (items || s.value(Opt::items_per_producer))) {
      r.fail(items ? "items" : "items_per_producer", "a burst workload runs for a duration, not a count");
    }
  }
  return s;
}

Scenario load_scenario(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw UsageError(fmt::format("--scenario: cannot read '{}'", file.string()));
  std::stringstream text;
  text << in.rdbuf();
  json doc;
  try {
    doc = json::parse(text.str());
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number past a double's range
    throw UsageError(fmt::format("{}: not valid JSON: {}", file.string(), e.what()));
  }
  return parse_scenario(doc, file.string());
}

nlohmann::json scenario_json(const ScenarioInfo& info) {
  return {{"name", info.name}, {"description", info.description}, {"source", info.source}, {"file", info.file}};
}

}  // namespace qb
