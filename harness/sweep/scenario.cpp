#include "harness/sweep/scenario.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "harness/model/usage_error.hpp"
#include "harness/sweep/scenario_reader.hpp"
#include "queues/elastic_config.hpp"

namespace qb {

namespace {

using nlohmann::json;
using scenario_detail::parse_workload;
using scenario_detail::Reader;
using scenario_detail::type_name;

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
