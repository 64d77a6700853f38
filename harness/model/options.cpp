#include "harness/model/options.hpp"

#include <algorithm>
#include <stdexcept>
#include <type_traits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/counters/counters.hpp"
#include "harness/machine/placement.hpp"
#include "harness/measure/latency.hpp"
#include "harness/measure/latency_sample.hpp"
#include "harness/model/closest_name.hpp"
#include "harness/model/numbers.hpp"
#include "harness/model/run_types.hpp"
#include "harness/model/usage_error.hpp"
#include "harness/model/wait_mode.hpp"

namespace qb {

namespace {

template <class E, std::size_t N>
std::vector<std::string> names(const std::array<E, N>& values) {
  std::vector<std::string> out;
  for (E v : values) out.emplace_back(to_string(v));
  return out;
}

std::vector<Option> make_table() {
  using K = OptionKind;
  using S = OptionScope;
  using P = PointParams;
  // Rows in --help order. A count's bounds are where a value stops being a
  // plan and becomes a typo (numbers.hpp says why for each).
  return {
      {.id = Opt::queues, .flag = "--queue", .alias = "-q", .key = "queues", .kind = K::queue_list,
       .scope = S::sweep, .default_text = "all", .param = "queue", .field = &P::queue,
       .help = "Queues (see 'qbench list'): a comma list of names, globs (xenium_*, *_ring, all) and exclusions "
               "(-NAME, -GLOB), applied left to right; a list that starts with an exclusion starts from all "
               "(--queue=-ck_ring_mpmc: '=' when it starts with '-'). Queues run in the order the list adds "
               "them, a glob's in 'qbench list' order; a name or glob matching no queue is an error"},
      {.id = Opt::producers, .flag = "--producers", .alias = "-p", .key = "producers", .kind = K::count_list,
       .scope = S::sweep, .default_text = "1", .min = 1, .max = kMaxSmallCount, .param = "producers",
       .field = &P::producers, .replaced_by = {Opt::shapes},
       .help = "Producer counts: a list and/or ranges, e.g. 1,2,4-8"},
      {.id = Opt::consumers, .flag = "--consumers", .alias = "-c", .key = "consumers", .kind = K::count_list,
       .scope = S::sweep, .default_text = "1", .min = 1, .max = kMaxSmallCount, .param = "consumers",
       .field = &P::consumers, .replaced_by = {Opt::shapes}, .help = "Consumer counts, same form"},
      {.id = Opt::shapes, .flag = "--shapes", .key = "shapes", .kind = K::shape_list, .scope = S::sweep,
       .replaced_by = {Opt::producers, Opt::consumers},
       .help = "Producer x consumer pairs to run, e.g. 1x1,4x4,8x1, instead of every --producers count with "
               "every --consumers count"},
      {.id = Opt::duration, .flag = "--duration", .alias = "-d", .key = "duration", .kind = K::duration,
       .scope = S::point, .default_text = "1s", .unit = "ns", .param = "duration_ns", .field = &P::duration,
       .replaced_by = {Opt::items, Opt::items_per_producer},
       .help = "Measured window per repetition (ns/us/ms/s/m)"},
      {.id = Opt::items, .flag = "--items", .key = "items", .kind = K::count, .scope = S::point, .unit = "items",
       .min = 1, .max = kMaxItems, .param = "items", .field = &P::items,
       .replaced_by = {Opt::duration, Opt::items_per_producer},
       .help = "Fixed-count runs: items pushed in the window, in total (overrides --duration)"},
      {.id = Opt::items_per_producer, .flag = "--items-per-producer", .key = "items_per_producer",
       .kind = K::count, .scope = S::sweep, .unit = "items", .min = 1, .max = kMaxItems,
       .replaced_by = {Opt::duration, Opt::items},
       .help = "Fixed-count runs of this many items per producer (overrides --duration and --items)"},
      {.id = Opt::warmup, .flag = "--warmup", .key = "warmup", .kind = K::duration, .scope = S::point,
       .default_text = "200ms", .unit = "ns", .param = "warmup_ns", .field = &P::warmup,
       .help = "Warm-up before each window; not measured"},
      {.id = Opt::repetitions, .flag = "--repetitions", .alias = "-r", .key = "repetitions", .kind = K::count,
       .scope = S::sweep, .default_text = "5", .min = 1, .max = kMaxRepetitions,
       .help = "Repetitions per point (1 to 1000), interleaved across points"},
      {.id = Opt::capacity, .flag = "--capacity", .key = "capacity", .kind = K::count, .scope = S::sweep,
       .unit = "slots", .min = 0, .max = kMaxCapacity, .param = "capacity", .field = &P::capacity,
       .help = "Queue capacity in slots (unset: 1024, or what 'qbench list' shows, where a queue needs one; else "
               "the queue's own)"},
      {.id = Opt::placement, .flag = "--placement", .key = "placement", .kind = K::choice, .scope = S::point,
       .default_text = "compact", .choices = names(kPlacements), .param = "placement", .field = &P::placement,
       .help = "Thread pinning: compact, scatter or none"},
      {.id = Opt::payload_bytes, .flag = "--payload-bytes", .key = "payload_bytes", .kind = K::count,
       .scope = S::point, .default_text = "8", .unit = "bytes", .min = 1, .max = kMaxSmallCount,
       .param = "payload_bytes", .field = &P::payload_bytes, .help = "Item size in bytes: 8, 64 or 256"},
      {.id = Opt::seed, .flag = "--seed", .key = "seed", .kind = K::count, .scope = S::point, .default_text = "1",
       .min = 0, .max = kMaxSeed, .param = "seed", .field = &P::seed,
       .help = "Seed, recorded with the results for workloads that draw random numbers"},
      {.id = Opt::timeout, .flag = "--timeout", .key = "timeout", .kind = K::duration, .scope = S::point,
       .default_text = "auto", .unit = "ns", .auto_ok = true, .param = "timeout_ns", .field = &P::timeout,
       .help = "Per-repetition limit before the child is killed; auto is 5 x (warmup + duration) + 30s"},
      {.id = Opt::latency, .flag = "--latency", .key = "latency", .kind = K::choice, .scope = S::point,
       .default_text = "e2e", .choices = names(kLatencyModes), .param = "latency", .field = &P::latency,
       .help = "Latency recording: off, e2e (push-to-pop time of a sample of items, joined after the run), "
               "ops (time 1 in N try_push/try_pop), all"},
      {.id = Opt::latency_sample_period, .flag = "--latency-sample-period", .key = "latency_sample_period",
       .kind = K::count, .scope = S::point, .default_text = std::to_string(kDefaultLatencySamplePeriod),
       .unit = "items", .min = 1, .max = kMaxLatencySamplePeriod, .param = "latency_sample_period",
       .param_optional = true, .field = &P::latency_sample_period,
       .help = "e2e: sample about 1 in N items (1 to 2^30), chosen by a hash of (producer, sequence)"},
      {.id = Opt::payload_check, .flag = "--payload-check", .key = "payload_check", .kind = K::choice,
       .scope = S::point, .default_text = "all", .choices = names(kPayloadChecks), .param = "payload_check",
       .param_optional = true, .field = &P::payload_check,
       .help = "Bytes past the tag: all (every item checked; a mismatch makes the run invalid) or off "
               "(to measure what the check costs)"},
      {.id = Opt::op_sample_period, .flag = "--op-sample-period", .key = "op_sample_period", .kind = K::count,
       .scope = S::point, .default_text = std::to_string(kDefaultOpSamplePeriod), .unit = "operations",
       .min = 1, .max = kMaxOpSamplePeriod, .param = "op_sample_period", .field = &P::op_sample_period,
       .help = "ops: time one operation in this many (1 to 2^20)"},
      {.id = Opt::counters, .flag = "--counters", .key = "counters", .kind = K::counter_list, .scope = S::point,
       .default_text = "default", .param = "counters", .field = &P::counters,
       .help = "perf_event counters: default (the ten generic events), none, or a comma list of generic events "
               "(cycles, instructions, cache-references, cache-misses, L1-dcache-load-misses, LLC-load-misses, "
               "task-clock, context-switches, cpu-migrations, page-faults) and native PMU events as libpfm4 "
               "names them (MEM_LOAD_RETIRED.L3_MISS, r003c); one this machine cannot count gets a status and "
               "libpfm4's reason, not an error"},
      {.id = Opt::wait, .flag = "--wait", .key = "wait", .kind = K::choice_list, .scope = S::sweep,
       .default_text = "spin", .choices = names(kWaitModes), .param = "wait", .param_optional = true,
       .field = &P::wait,
       .help = "How threads wait on a full or empty queue: spin (try_*; one PAUSE a try when each thread has a "
               "CPU, else backing off to yields), pause or backoff (that policy whatever the placement, to "
               "measure what waiting costs), or block (the queue's own blocking push/pop where it has them, else the "
               "harness's: try_* and an event count, see --block-spin). A comma list (spin,block) runs every point "
               "once per wait, interleaved, with the wait in its id (run.block/QUEUE/p1c1)"},
      {.id = Opt::block_spin, .flag = "--block-spin", .key = "block_spin", .kind = K::count, .scope = S::point,
       .default_text = "0", .unit = "tries", .min = 0, .max = 1u << 20, .param = "block_spin",
       .param_optional = true, .field = &P::block_spin,
       .help = "--wait block on a queue without blocking calls: failed tries (one PAUSE apart) before a thread "
               "sleeps; 0 sleeps at the first (0 to 2^20)"},
      {.id = Opt::batch, .flag = "--batch", .key = "batch", .kind = K::count, .scope = S::point,
       .default_text = "1", .unit = "items", .min = 1, .max = kMaxBatch, .param = "batch", .param_optional = true,
       .field = &P::batch,
       .help = "Throughput: items per push and per pop call (1 to 65536): the queue's own bulk calls where it has "
               "them (native), else a loop of try_push/try_pop (looped); items/s still counts items"},
  };
}

template <class E>
std::optional<E> parse_enum(std::string_view text) {
  if constexpr (std::is_same_v<E, Placement>) {
    return parse_placement(text);
  } else if constexpr (std::is_same_v<E, LatencyMode>) {
    return parse_latency_mode(text);
  } else if constexpr (std::is_same_v<E, PayloadCheck>) {
    return parse_payload_check(text);
  } else {
    static_assert(std::is_same_v<E, WaitMode>, "an enum OptionField holds needs its parser here");
    return parse_wait_mode(text);
  }
}

template <class T>
constexpr bool kIsEnum = std::is_enum_v<T>;

template <class T>
T parse_value(const Option& o, std::string_view where, std::string_view text) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(parse_option_count(o, where, text));
  } else if constexpr (std::is_same_v<T, std::chrono::nanoseconds>) {
    return parse_duration(where, text);
  } else if constexpr (std::is_same_v<T, std::string>) {
    return std::string(text);
  } else if constexpr (kIsEnum<T>) {
    const auto value = parse_enum<T>(text);
    if (!value) {
      throw UsageError(fmt::format("{}: '{}' is not one of {}{}", where, text, choices_text(o), did_you_mean(text, o.choices)));
    }
    return *value;
  } else {
    static_assert(std::is_same_v<T, CounterSelection>);
    std::string error;
    auto selection = parse_counter_selection(text, &error);
    if (!selection) throw UsageError(where == o.flag ? error : fmt::format("{}: {}", where, error));
    return std::move(*selection);
  }
}

}  // namespace

const std::vector<Option>& options() {
  static const std::vector<Option> table = make_table();
  return table;
}

const Option& option(Opt id) { return options().at(option_index(id)); }

std::string choices_text(const Option& o) {
  std::string text;
  for (const auto& name : o.choices) text += (text.empty() ? "" : ", ") + name;
  return text;
}

std::string value_name(const Option& o) {
  switch (o.kind) {
    case OptionKind::queue_list: return "LIST";
    case OptionKind::count_list: return "COUNTS";
    case OptionKind::shape_list: return "SHAPES";
    case OptionKind::count: return "N";
    case OptionKind::duration: return o.auto_ok ? "DURATION|auto" : "DURATION";
    case OptionKind::choice:
    case OptionKind::choice_list: {
      std::string names;
      for (const auto& name : o.choices) names += (names.empty() ? "" : "|") + name;
      return o.kind == OptionKind::choice_list ? names + "[,...]" : names;
    }
    case OptionKind::counter_list: return "LIST";
  }
  return "VALUE";
}

std::vector<std::string> parse_option_choices(const Option& o, std::string_view where, std::string_view text) {
  std::vector<std::string> picked;
  for (std::size_t start = 0; start <= text.size();) {
    const auto end = std::min(text.find(',', start), text.size());
    const std::string name(text.substr(start, end - start));
    if (std::find(o.choices.begin(), o.choices.end(), name) == o.choices.end()) {
      throw UsageError(fmt::format("{}: '{}' is not one of {}{}", where, name, choices_text(o), did_you_mean(name, o.choices)));
    }
    if (std::find(picked.begin(), picked.end(), name) != picked.end()) {
      throw UsageError(fmt::format("{}: '{}' has {} twice", where, text, name));
    }
    picked.push_back(name);
    start = end + 1;
  }
  return picked;
}

std::uint64_t parse_option_count(const Option& o, std::string_view where, std::string_view text) {
  return parse_count(where, text, o.min, o.max);
}

void parse_option(PointParams& p, const Option& o, std::string_view where, std::string_view text) {
  std::visit(
      [&](auto field) {
        if constexpr (std::is_same_v<decltype(field), std::monostate>) {
          throw std::logic_error(fmt::format("{}: not a field of a point", o.flag));
        } else {
          using T = std::remove_reference_t<decltype(p.*field)>;
          p.*field = parse_value<T>(o, where, text);
        }
      },
      o.field);
}

nlohmann::json option_param(const PointParams& p, const Option& o) {
  return std::visit(
      [&](auto field) -> nlohmann::json {
        if constexpr (std::is_same_v<decltype(field), std::monostate>) {
          throw std::logic_error(fmt::format("{}: not a field of a point", o.flag));
        } else {
          const auto& value = p.*field;
          using T = std::remove_cvref_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::chrono::nanoseconds>) return value.count();
          else if constexpr (kIsEnum<T>) return std::string(to_string(value));
          else if constexpr (std::is_same_v<T, CounterSelection>) return value.spec;
          else return value;
        }
      },
      o.field);
}

void read_option_param(const nlohmann::json& params, const Option& o, PointParams& p) {
  const std::string key(o.param);
  if (o.param_optional && !params.contains(key)) return;
  const nlohmann::json& v = params.at(key);
  std::visit(
      [&](auto field) {
        if constexpr (std::is_same_v<decltype(field), std::monostate>) {
          throw std::logic_error(fmt::format("{}: not a field of a point", o.flag));
        } else {
          using T = std::remove_reference_t<decltype(p.*field)>;
          if constexpr (std::is_same_v<T, std::chrono::nanoseconds>) {
            p.*field = T(v.get<typename T::rep>());
          } else if constexpr (kIsEnum<T>) {
            const auto name = v.get<std::string>();
            const auto value = parse_enum<T>(name);
            if (!value) {
              throw std::invalid_argument(fmt::format("{}: unknown value '{}' (one of {})", key, name, choices_text(o)));
            }
            p.*field = *value;
          } else if constexpr (std::is_same_v<T, CounterSelection>) {
            std::string error;
            auto selection = parse_counter_selection(v.get<std::string>(), &error);
            if (!selection) throw std::invalid_argument(fmt::format("{}: {}", key, error));
            p.*field = std::move(*selection);
          } else {
            v.get_to(p.*field);
          }
        }
      },
      o.field);
}

std::chrono::nanoseconds auto_timeout(std::chrono::nanoseconds warmup, std::chrono::nanoseconds duration,
                                      bool fixed_count) {
  const std::chrono::nanoseconds window = fixed_count ? std::chrono::seconds(10) : duration;
  return 5 * (warmup + window) + std::chrono::seconds(30);
}

template <class T>
T option_default(Opt id) {
  const Option& o = option(id);
  if (!o.default_text) return T{};
  if constexpr (std::is_same_v<T, std::chrono::nanoseconds>) {
    if (o.auto_ok && *o.default_text == "auto") {
      return auto_timeout(option_default<T>(Opt::warmup), option_default<T>(Opt::duration), false);
    }
  }
  return parse_value<T>(o, o.flag, *o.default_text);
}

template int option_default<int>(Opt);
template std::uint32_t option_default<std::uint32_t>(Opt);
template std::uint64_t option_default<std::uint64_t>(Opt);
template std::chrono::nanoseconds option_default<std::chrono::nanoseconds>(Opt);
template std::string option_default<std::string>(Opt);
template Placement option_default<Placement>(Opt);
template LatencyMode option_default<LatencyMode>(Opt);
template PayloadCheck option_default<PayloadCheck>(Opt);
template WaitMode option_default<WaitMode>(Opt);
template CounterSelection option_default<CounterSelection>(Opt);

}  // namespace qb
