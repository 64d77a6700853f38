// The one table of options: every option of `qbench run` that a scenario
// file can also set, declared once (options.cpp) with its flag, scenario key,
// kind, default, unit, bounds, help line and key in a run's results params.
// The command line registers its flags and --help from it (app/cli.cpp), the
// scenario parser accepts its keys (sweep/scenario.cpp), a point's params are
// written and read through it (result_json.cpp), error messages take their
// bounds and valid names from it, and PointParams' defaults are its defaults
// (the command line's: what a user sees). Adding an option is a row here, a
// field where its value lives and the code that uses it.
//
// Every value is parsed the same way, whether typed, read from a scenario
// file or the default: the default is text a user could have typed.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "harness/model/option_ids.hpp"

namespace qb {

struct PointParams;
struct CounterSelection;
enum class Placement;
enum class LatencyMode;
enum class PayloadCheck;
enum class WaitMode;

enum class OptionKind {
  queue_list,    // names, globs and exclusions (registry/queue_patterns.hpp)
  count_list,    // counts and ranges, "1,2,4-8", each in [min, max]
  shape_list,    // producer x consumer pairs, "1x1,4x4"
  count,         // a whole number in [min, max] (numbers.hpp)
  duration,      // "200ms" (numbers.hpp); "auto" too where auto_ok
  choice,        // one of `choices`, an enum's names
  choice_list,   // a comma list of `choices` ("spin,block"), each once; a sweep runs each (--wait)
  counter_list,  // default, none or a list of events (counters/counters.hpp)
};

// point: parsed into the sweep's base PointParams, whatever the point.
// sweep: the sweep's own code takes it (a list, or a value set per point).
enum class OptionScope { point, sweep };

// Where the value lives in PointParams: what `field` of a row points to.
using OptionField =
    std::variant<std::monostate, int PointParams::*, std::uint32_t PointParams::*, std::uint64_t PointParams::*,
                 std::chrono::nanoseconds PointParams::*, std::string PointParams::*, Placement PointParams::*,
                 LatencyMode PointParams::*, PayloadCheck PointParams::*, WaitMode PointParams::*,
                 CounterSelection PointParams::*>;

struct Option {
  Opt id{};
  std::string_view flag{};  // "--payload-bytes"
  std::string_view alias{};  // "-r", or ""
  std::string_view key{};  // its key in a scenario file
  OptionKind kind{};
  OptionScope scope{};
  std::optional<std::string> default_text{};  // as a user types it; nullopt: none, unset unless given
  std::string_view unit{};  // of the value in the results' params ("ns", "bytes"); "" for none
  std::uint64_t min = 0, max = 0;  // count: its bounds; count_list: each count's
  std::vector<std::string> choices{};  // choice: every valid name, from the enum
  bool auto_ok = false;          // duration: "auto" is a value, computed (auto_timeout)
  std::string_view param{};  // its key in a run's params; "" when the results do not hold it
  bool param_optional = false;   // files older than the key lack it: reading keeps the default
  OptionField field{};  // where the value lives in PointParams; monostate: not there
  // On the command line, any of these drops the scenario file's value of
  // this option (--items replaces the file's duration).
  std::vector<Opt> replaced_by{};
  std::string help{};  // the --help line
};

// The table, in Opt order.
const std::vector<Option>& options();
const Option& option(Opt id);

// "compact, scatter, none": a choice's names for messages.
std::string choices_text(const Option& o);

// What --help calls the option's value, from its kind: N, DURATION, LIST,
// COUNTS, SHAPES, a choice's names ("compact|scatter|none"), or a choice
// list's ("spin|block[,...]").
std::string value_name(const Option& o);

// A count option's value, in its bounds; `where` names it in the error
// (the flag, or "FILE: key").
std::uint64_t parse_option_count(const Option& o, std::string_view where, std::string_view text);

// Parses `text` into the option's PointParams field (a point option of kind
// count, duration but "auto", choice or counter_list). Throws UsageError
// "WHERE: 'TEXT' REASON".
void parse_option(PointParams& p, const Option& o, std::string_view where, std::string_view text);

// A choice_list's text, "spin,block", as its names in order. Throws
// UsageError "WHERE: 'NAME' is not one of ...; did you mean ...?" for a name
// that is not a choice, and "WHERE: 'TEXT' has NAME twice".
std::vector<std::string> parse_option_choices(const Option& o, std::string_view where, std::string_view text);

// The field as a run's params hold it, and back. Reading a key the params
// lack throws (nlohmann's out_of_range) unless param_optional; a name it does
// not know throws std::invalid_argument naming the key and the name.
nlohmann::json option_param(const PointParams& p, const Option& o);
void read_option_param(const nlohmann::json& params, const Option& o, PointParams& p);

// --timeout auto: five times a repetition (the warm-up, then the window, or
// 10 s for a fixed count) and 30 s for the child to start and drain.
std::chrono::nanoseconds auto_timeout(std::chrono::nanoseconds warmup, std::chrono::nanoseconds duration,
                                      bool fixed_count);

}  // namespace qb
