// The counters module. A fake backend injects what our machines never give
// (a PMU, multiplexing, EACCES, a group that never ran); the real backend is
// checked with software events, which work everywhere, and with cycles,
// which must say not_supported here and may say ok on a machine with a PMU.
#include <linux/perf_event.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/counters/counters.hpp"
#include "harness/counters/native_names.hpp"
#include "harness/counters/totals.hpp"
#include "tests/perf_fake.hpp"

namespace qb {

// So that a failed expectation prints "not_supported", not the enum's bytes.
void PrintTo(CounterStatus status, std::ostream* os) { *os << to_string(status); }

namespace {

using Ev = CounterEvent;
using St = CounterStatus;

ThreadCounterReading run_window(FakePerfBackend& fake,
                                const CounterSelection& selection = default_counter_selection()) {
  ThreadCounters counters(selection, fake);
  counters.start();
  counters.stop();
  return counters.read();
}

void set_hardware(FakePerfBackend& fake, FakePerfEvent f) {
  for (Ev e : {Ev::cycles, Ev::instructions, Ev::cache_references, Ev::cache_misses, Ev::l1d_load_misses,
               Ev::llc_load_misses})
    fake.events[e] = f;
}

TEST(Counters, enoent_reports_not_supported_with_a_clear_reason) {
  FakePerfBackend fake;
  set_hardware(fake, {.open_errno = ENOENT});
  const auto reading = run_window(fake);
  ASSERT_EQ(reading.events.size(), counter_events().size());
  const EventReading& cycles = *reading.find(Ev::cycles);
  EXPECT_EQ(cycles.status, St::not_supported);
  EXPECT_FALSE(cycles.value.has_value());
  EXPECT_NE(cycles.reason.find("no hardware PMU"), std::string::npos) << cycles.reason;
  EXPECT_NE(cycles.reason.find("ENOENT"), std::string::npos) << cycles.reason;
  EXPECT_EQ(reading.find(Ev::llc_load_misses)->status, St::not_supported);
}

TEST(Counters, a_failing_hardware_group_does_not_stop_the_software_group) {
  FakePerfBackend fake;
  set_hardware(fake, {.open_errno = ENOENT});
  fake.events[Ev::task_clock].raw = 20'000'000;
  fake.events[Ev::context_switches].raw = 7;
  const auto reading = run_window(fake);
  for (Ev e : {Ev::task_clock, Ev::context_switches, Ev::cpu_migrations, Ev::page_faults}) {
    EXPECT_EQ(reading.find(e)->status, St::ok) << to_string(e);
    EXPECT_EQ(reading.find(e)->source, "perf_event");
  }
  EXPECT_DOUBLE_EQ(*reading.find(Ev::task_clock)->value, 20'000'000.0);
  EXPECT_DOUBLE_EQ(*reading.find(Ev::context_switches)->value, 7.0);
}

TEST(Counters, eacces_everywhere_reports_permission_denied_naming_perf_event_paranoid) {
  FakePerfBackend fake;
  fake.paranoid_level = 3;
  for (const auto& info : counter_events()) fake.events[info.event].open_errno = EACCES;
  const auto reading = run_window(fake);
  const EventReading& cycles = *reading.find(Ev::cycles);
  EXPECT_EQ(cycles.status, St::permission_denied);
  EXPECT_EQ(cycles.error_number, EACCES);
  EXPECT_NE(cycles.reason.find("perf_event_paranoid = 3"), std::string::npos) << cycles.reason;
  EXPECT_NE(cycles.reason.find("perf_event_paranoid <= 2"), std::string::npos) << cycles.reason;
  EXPECT_NE(cycles.reason.find("CAP_PERFMON"), std::string::npos) << cycles.reason;
  EXPECT_EQ(reading.find(Ev::task_clock)->status, St::permission_denied);
  // Switches and faults survive through the thread's rusage.
  const EventReading& switches = *reading.find(Ev::context_switches);
  EXPECT_EQ(switches.status, St::ok);
  EXPECT_EQ(switches.source, "getrusage");
  EXPECT_DOUBLE_EQ(*switches.value, 10.0);
  EXPECT_DOUBLE_EQ(*reading.find(Ev::page_faults)->value, 3.0);
}

TEST(Counters, refused_kernel_counting_falls_back_to_user_space_and_getrusage) {
  FakePerfBackend fake;
  set_hardware(fake, {.open_errno = ENOENT});
  for (Ev e : {Ev::task_clock, Ev::context_switches, Ev::cpu_migrations, Ev::page_faults})
    fake.events[e].kernel_errno = EACCES;
  const auto reading = run_window(fake);
  ASSERT_FALSE(fake.attempts.empty());
  const EventReading& clock = *reading.find(Ev::task_clock);
  EXPECT_EQ(clock.status, St::ok);
  EXPECT_TRUE(clock.exclude_kernel);
  // Kernel counting was tried first: user-only switches would read 0.
  bool tried_kernel = false;
  for (const auto& a : fake.attempts) tried_kernel |= a.event == Ev::task_clock && !a.exclude_kernel;
  EXPECT_TRUE(tried_kernel);
  EXPECT_EQ(reading.find(Ev::context_switches)->source, "getrusage");
  EXPECT_DOUBLE_EQ(*reading.find(Ev::context_switches)->value, 10.0);
  const EventReading& migrations = *reading.find(Ev::cpu_migrations);
  EXPECT_EQ(migrations.status, St::permission_denied);
  EXPECT_NE(migrations.reason.find("perf_event_paranoid <= 1"), std::string::npos) << migrations.reason;
  EXPECT_EQ(reading.find(Ev::page_faults)->source, "perf_event");
}

TEST(Counters, multiplexed_group_is_scaled_and_reports_its_running_fraction) {
  FakePerfBackend fake;
  fake.events[Ev::cycles] = {.raw = 100, .enabled_ns = 1000, .running_ns = 250};
  fake.events[Ev::instructions].raw = 300;
  const auto reading = run_window(fake);
  const EventReading& cycles = *reading.find(Ev::cycles);
  EXPECT_EQ(cycles.status, St::ok);
  EXPECT_EQ(cycles.raw, 100u);
  EXPECT_DOUBLE_EQ(*cycles.value, 400.0);
  EXPECT_DOUBLE_EQ(*cycles.running_fraction, 0.25);
  EXPECT_EQ(cycles.time_enabled_ns, 1000u);
  EXPECT_EQ(cycles.time_running_ns, 250u);
  EXPECT_DOUBLE_EQ(*reading.find(Ev::instructions)->value, 1200.0);
  EXPECT_DOUBLE_EQ(*reading.find(Ev::task_clock)->running_fraction, 1.0);
}

TEST(Counters, zero_running_time_is_not_counted_with_a_null_value) {
  FakePerfBackend fake;
  fake.events[Ev::l1d_load_misses] = {.enabled_ns = 5000, .running_ns = 0};
  const auto reading = run_window(fake);
  for (Ev e : {Ev::l1d_load_misses, Ev::llc_load_misses}) {
    EXPECT_EQ(reading.find(e)->status, St::not_counted);
    EXPECT_FALSE(reading.find(e)->value.has_value());
    EXPECT_FALSE(reading.find(e)->reason.empty());
  }
  EXPECT_EQ(reading.find(Ev::cycles)->status, St::ok);
}

TEST(Counters, einval_reports_error_with_strerror_text) {
  FakePerfBackend fake;
  fake.events[Ev::cache_misses].open_errno = EINVAL;
  const auto reading = run_window(fake);
  const EventReading& misses = *reading.find(Ev::cache_misses);
  EXPECT_EQ(misses.status, St::error);
  EXPECT_EQ(misses.error_number, EINVAL);
  EXPECT_NE(misses.reason.find("Invalid argument"), std::string::npos) << misses.reason;
  EXPECT_EQ(reading.find(Ev::cache_references)->status, St::ok);
}

TEST(Counters, event_its_group_rejects_is_opened_alone) {
  FakePerfBackend fake;
  fake.events[Ev::cache_misses] = {.member_errno = EINVAL, .raw = 42};
  const auto reading = run_window(fake);
  EXPECT_EQ(reading.find(Ev::cache_misses)->status, St::ok);
  EXPECT_DOUBLE_EQ(*reading.find(Ev::cache_misses)->value, 42.0);
}

TEST(Counters, failed_leader_hands_the_group_to_the_next_event) {
  FakePerfBackend fake;
  fake.events[Ev::cycles].open_errno = ENOENT;
  fake.events[Ev::instructions].raw = 77;
  const auto reading = run_window(fake);
  EXPECT_EQ(reading.find(Ev::cycles)->status, St::not_supported);
  EXPECT_DOUBLE_EQ(*reading.find(Ev::instructions)->value, 77.0);
  EXPECT_EQ(reading.find(Ev::cache_misses)->status, St::ok);
}

TEST(Counters, failed_group_read_reports_error_and_read_before_start_is_not_counted) {
  FakePerfBackend fake;
  fake.events[Ev::task_clock].read_errno = EIO;
  ThreadCounters counters(default_counter_selection(), fake);
  EXPECT_EQ(counters.read().find(Ev::cycles)->status, St::not_counted);
  counters.start();
  counters.stop();
  const auto reading = counters.read();
  EXPECT_EQ(reading.find(Ev::page_faults)->status, St::error);
  EXPECT_EQ(reading.find(Ev::cycles)->status, St::ok);
}

TEST(Counters, every_descriptor_is_closed_and_none_opens_nothing) {
  FakePerfBackend fake;
  fake.events[Ev::cache_misses].member_errno = EINVAL;
  {
    ThreadCounters counters(default_counter_selection(), fake);
    EXPECT_EQ(fake.live_fds(), 10);
  }
  EXPECT_EQ(fake.live_fds(), 0);
  fake.attempts.clear();
  ThreadCounters none(*parse_counter_selection("none"), fake);
  none.start();
  none.stop();
  EXPECT_TRUE(none.read().events.empty());
  EXPECT_TRUE(fake.attempts.empty());
}

TEST(Counters, reading_round_trips_through_json) {
  FakePerfBackend fake;
  set_hardware(fake, {.open_errno = ENOENT});
  fake.events[Ev::task_clock] = {.raw = 123456789, .enabled_ns = 3000, .running_ns = 1000};
  const auto reading = run_window(fake);
  const auto back = nlohmann::json::parse(nlohmann::json(reading).dump()).get<ThreadCounterReading>();
  ASSERT_EQ(back.events.size(), reading.events.size());
  for (std::size_t i = 0; i < back.events.size(); ++i) {
    const EventReading& a = reading.events[i];
    const EventReading& b = back.events[i];
    EXPECT_EQ(a.event, b.event);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.reason, b.reason);
    EXPECT_EQ(a.value, b.value);
    EXPECT_EQ(a.running_fraction, b.running_fraction);
    EXPECT_EQ(a.raw, b.raw);
  }
}

TEST(CountersSelection, default_is_every_event_and_none_is_empty) {
  const auto all = parse_counter_selection("default");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->spec, "default");
  EXPECT_EQ(all->events.size(), counter_events().size());
  const auto none = parse_counter_selection("none");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(CountersSelection, list_is_canonical_and_deduplicated) {
  const auto sel = parse_counter_selection("task-clock, cycles,llc-load-misses,cycles");
  ASSERT_TRUE(sel);
  EXPECT_EQ(sel->events, (std::vector<Ev>{Ev::cycles, Ev::llc_load_misses, Ev::task_clock}));
  EXPECT_EQ(sel->spec, "cycles,LLC-load-misses,task-clock");
}

TEST(CountersSelection, malformed_lists_are_rejected_naming_the_value) {
  std::string error;
  // A near miss of a generic name is a typo, not a native event.
  EXPECT_FALSE(parse_counter_selection("cycles,task-clok", &error));
  EXPECT_NE(error.find("'task-clok'"), std::string::npos) << error;
  EXPECT_NE(error.find("did you mean task-clock"), std::string::npos) << error;
  EXPECT_NE(error.find("page-faults"), std::string::npos) << error;  // lists what is valid
  EXPECT_FALSE(parse_counter_selection("cyclez", &error));
  EXPECT_NE(error.find("did you mean cycles"), std::string::npos) << error;
  EXPECT_FALSE(parse_counter_selection("cycles,,task-clock", &error));
  EXPECT_NE(error.find("empty event name"), std::string::npos) << error;
  EXPECT_FALSE(parse_counter_selection("", &error));
  EXPECT_FALSE(parse_counter_selection("all", &error));
  EXPECT_NE(error.find("'all' is not an event"), std::string::npos) << error;
  EXPECT_FALSE(parse_counter_selection("cycles,default", &error));
  EXPECT_FALSE(parse_counter_selection("cycles,mem load", &error));
  EXPECT_NE(error.find("'mem load' is not an event name"), std::string::npos) << error;
  EXPECT_FALSE(parse_counter_selection("r01,r02,r03,r04,r05,r06,r07,r08,r09", &error));
  EXPECT_NE(error.find("9 native events; at most 8"), std::string::npos) << error;
}

// Names beyond the generic ones are native events: libpfm4 encodes them once,
// when the list is parsed, and one it knows but cannot encode here is a
// status with its reason, not an error.
TEST(CountersSelection, other_names_are_native_events_encoded_by_libpfm4) {
  std::string error;
  const auto sel = parse_counter_selection("r003c,cycles,MEM_LOAD_RETIRED.L3_MISS,r003c", &error);
  ASSERT_TRUE(sel) << error;
  EXPECT_EQ(sel->events, (std::vector<Ev>{Ev::cycles}));
  ASSERT_EQ(sel->native.size(), 2u) << "r003c twice is one event";
  EXPECT_EQ(sel->spec, "cycles,r003c,MEM_LOAD_RETIRED.L3_MISS");
  EXPECT_EQ(sel->size(), 3u);
  // A raw code is the same on every x86 machine: PERF_TYPE_RAW, config 0x3c.
  const NativeEvent& raw = sel->native[0];
  EXPECT_EQ(raw.name, "r003c");
  EXPECT_TRUE(raw.problem.empty()) << raw.problem;
  EXPECT_EQ(raw.type, std::uint32_t{PERF_TYPE_RAW});
  EXPECT_EQ(raw.config, 0x3cu);
  EXPECT_FALSE(raw.encoded_as.empty());
  // An Intel event: encoded on an Intel machine, else libpfm4 says why not.
  const NativeEvent& intel = sel->native[1];
  EXPECT_NE(intel.encoded_as.empty(), intel.problem.empty()) << intel.encoded_as << " / " << intel.problem;
  if (!intel.problem.empty()) {
    EXPECT_NE(intel.problem.find("libpfm4 cannot encode MEM_LOAD_RETIRED.L3_MISS"), std::string::npos) << intel.problem;
    EXPECT_NE(intel.problem.find("event not found"), std::string::npos) << intel.problem;  // libpfm4's words
  }
}

// A name in no table of libpfm4's, for any CPU, is a mistake, not an event
// this machine lacks: refused, naming the value and the closest names.
TEST(CountersSelection, a_name_libpfm4_knows_in_no_table_is_refused_with_the_closest_names) {
  std::string error;
  EXPECT_FALSE(parse_counter_selection("task-clock,bogus-event", &error));
  EXPECT_EQ(error.rfind("--counters bogus-event: libpfm4 knows no such event; closest: ", 0), 0u) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  // An event libpfm4 knows, with an attribute it does not: that event's attributes.
  EXPECT_FALSE(parse_counter_selection("MEM_LOAD_RETIRED.L3_MIS", &error));
  EXPECT_NE(error.find("closest: MEM_LOAD_RETIRED.L3_MISS"), std::string::npos) << error;
  EXPECT_TRUE(libpfm4_knows("MEM_LOAD_RETIRED.L3_MISS"));
  EXPECT_TRUE(libpfm4_knows("mem_load_retired:l3_miss"));
  EXPECT_TRUE(libpfm4_knows("perf::cycles"));
  EXPECT_FALSE(libpfm4_knows("bogus-event"));
  EXPECT_FALSE(libpfm4_knows("MEM_LOAD_RETIRED.L3_MISZ"));
}

NativeEvent encoded(const char* name, std::uint64_t config, std::uint64_t config1 = 0) {
  NativeEvent n;
  n.name = name;
  n.encoded_as = std::string("fake::") + name;
  n.type = PERF_TYPE_RAW;
  n.config = config;
  n.config1 = config1;
  return n;
}

NativeEvent unencodable(const char* name, const char* problem) {
  NativeEvent n;
  n.name = name;
  n.problem = problem;
  return n;
}

CounterSelection native_selection(std::vector<NativeEvent> native) {
  CounterSelection sel;
  for (const auto& n : native) sel.spec += (sel.spec.empty() ? "" : ",") + n.name;
  sel.native = std::move(native);
  return sel;
}

TEST(Counters, native_events_share_a_group_and_read_under_their_own_names) {
  FakePerfBackend fake;
  fake.native[{PERF_TYPE_RAW, 0x3c}] = {.raw = 777};
  fake.native[{PERF_TYPE_RAW, 0xc0}] = {.raw = 555};
  const auto sel = native_selection({encoded("r003c", 0x3c), encoded("RETIRED_INSTRUCTIONS", 0xc0, 0x9)});
  const auto reading = run_window(fake, sel);
  ASSERT_EQ(reading.events.size(), 2u);
  const EventReading* raw = reading.find("r003c");
  const EventReading* retired = reading.find("RETIRED_INSTRUCTIONS");
  ASSERT_TRUE(raw && retired);
  EXPECT_EQ(raw->event, Ev::native);
  EXPECT_EQ(raw->status, St::ok) << raw->reason;
  EXPECT_DOUBLE_EQ(*raw->value, 777.0);
  EXPECT_DOUBLE_EQ(*retired->value, 555.0);
  // One group: the second joined the first; config1 reached the kernel.
  ASSERT_EQ(fake.attempts.size(), 2u);
  EXPECT_LT(fake.attempts[0].group_fd, 0);
  EXPECT_GE(fake.attempts[1].group_fd, 0);
  EXPECT_EQ(fake.attempts[1].config1, 0x9u);
}

TEST(Counters, a_native_event_libpfm4_could_not_encode_is_not_supported_and_never_opened) {
  FakePerfBackend fake;
  fake.native[{PERF_TYPE_RAW, 0x3c}] = {.open_errno = ENOENT};
  const auto sel =
      native_selection({unencodable("MEM_LOAD_RETIRED.L3_MISS", "libpfm4 cannot encode it"), encoded("r003c", 0x3c)});
  const auto reading = run_window(fake, sel);
  ASSERT_EQ(reading.events.size(), 2u);
  EXPECT_EQ(reading.events[0].native, "MEM_LOAD_RETIRED.L3_MISS") << "the selection's order";
  EXPECT_EQ(reading.events[0].status, St::not_supported);
  EXPECT_EQ(reading.events[0].reason, "libpfm4 cannot encode it");
  const EventReading& raw = *reading.find("r003c");
  EXPECT_EQ(raw.status, St::not_supported);
  EXPECT_NE(raw.reason.find("no hardware PMU"), std::string::npos) << raw.reason;
  EXPECT_EQ(fake.attempts.size(), 1u) << "only the encoded event is opened";
}

TEST(Counters, native_readings_and_totals_keep_their_names_in_json) {
  EventReading r;
  r.event = Ev::native;
  r.native = "r003c";
  r.status = St::ok;
  r.raw = 42;
  r.value = 42.0;
  const nlohmann::json j = r;
  EXPECT_EQ(j.at("event"), "r003c");
  const auto back = j.get<EventReading>();
  EXPECT_EQ(back.event, Ev::native);
  EXPECT_EQ(back.native, "r003c");
  EXPECT_EQ(back.value, r.value);

  CounterTotals totals(native_selection({encoded("r003c", 0x3c)}));
  ThreadCounterReading reading;
  reading.events.push_back(r);
  totals.add(CounterRole::producer, reading);
  totals.add(CounterRole::consumer, reading);
  const nlohmann::json block = counters_json(totals, 21);
  EXPECT_EQ(block.at("events").at("r003c").at("status"), "ok");
  EXPECT_DOUBLE_EQ(block.at("events").at("r003c").at("value").get<double>(), 84.0);
  EXPECT_EQ(block.at("selection"), "r003c");
  EXPECT_DOUBLE_EQ(block.at("per_item_native").at("r003c").get<double>(), 4.0);
}

EventReading ok_reading(Ev event, double value) {
  EventReading r;
  r.event = event;
  r.status = St::ok;
  r.value = value;
  r.raw = static_cast<std::uint64_t>(value);
  r.time_enabled_ns = r.time_running_ns = 1000;
  r.running_fraction = 1.0;
  return r;
}

EventReading failed(Ev event, St status, std::string reason) {
  EventReading r;
  r.event = event;
  r.status = status;
  r.reason = std::move(reason);
  return r;
}

TEST(CountersTotals, sums_per_role_and_overall_and_derives_per_item_figures) {
  CounterTotals totals(default_counter_selection());
  totals.add(CounterRole::producer, {{ok_reading(Ev::cycles, 1000), ok_reading(Ev::instructions, 1500),
                                      ok_reading(Ev::context_switches, 2)}});
  totals.add(CounterRole::producer, {{ok_reading(Ev::cycles, 3000), ok_reading(Ev::instructions, 2500),
                                      ok_reading(Ev::context_switches, 1)}});
  totals.add(CounterRole::consumer, {{ok_reading(Ev::cycles, 6000), ok_reading(Ev::instructions, 6000),
                                      ok_reading(Ev::context_switches, 7)}});
  EXPECT_EQ(*totals.value(Ev::cycles), 10000.0);
  EXPECT_EQ(*totals.find(Ev::cycles)->role_value(CounterRole::producer), 4000.0);
  EXPECT_EQ(*totals.find(Ev::cycles)->role_value(CounterRole::consumer), 6000.0);

  const nlohmann::json j = counters_json(totals, 100);
  EXPECT_EQ(j["selection"], "default");
  EXPECT_EQ(j["events"]["cycles"]["status"], "ok");
  EXPECT_EQ(j["events"]["cycles"]["running_fraction"], 1.0);
  EXPECT_EQ(j["events"]["instructions"]["by_role"]["producers"], 4000.0);
  EXPECT_EQ(j["per_item"]["cycles"], 100.0);
  EXPECT_EQ(j["per_item"]["instructions"], 100.0);
  EXPECT_EQ(j["per_item"]["ipc"], 1.0);
  EXPECT_EQ(j["per_item"]["context_switches"], 0.1);
  // Not reported by any thread: null, with a reason.
  EXPECT_TRUE(j["per_item"]["llc_misses"].is_null());
  EXPECT_EQ(j["events"]["LLC-load-misses"]["status"], "not_counted");
  EXPECT_FALSE(j["events"]["LLC-load-misses"]["reason"].get<std::string>().empty());
}

TEST(CountersTotals, ipc_is_null_when_cycles_or_instructions_are_unavailable) {
  CounterTotals totals(default_counter_selection());
  const std::string why = "no hardware PMU: perf_event_open returned ENOENT for cycles";
  totals.add(CounterRole::producer,
             {{failed(Ev::cycles, St::not_supported, why), ok_reading(Ev::instructions, 10)}});
  const nlohmann::json j = counters_json(totals, 10);
  EXPECT_EQ(j["events"]["cycles"]["status"], "not_supported");
  EXPECT_EQ(j["events"]["cycles"]["reason"], why);
  EXPECT_TRUE(j["events"]["cycles"]["value"].is_null());
  EXPECT_TRUE(j["per_item"]["cycles"].is_null());
  EXPECT_TRUE(j["per_item"]["ipc"].is_null());
  EXPECT_EQ(j["per_item"]["instructions"], 1.0);
  EXPECT_TRUE(counters_json(totals, 0)["per_item"]["instructions"].is_null());
}

TEST(CountersTotals, one_failing_thread_makes_the_total_null_rather_than_short) {
  CounterTotals totals(default_counter_selection());
  totals.add(CounterRole::producer, {{ok_reading(Ev::task_clock, 5)}});
  totals.add(CounterRole::consumer, {{failed(Ev::task_clock, St::error, "perf_event_open returned EMFILE")}});
  const EventTotal& t = *totals.find(Ev::task_clock);
  EXPECT_EQ(t.status(), St::error);
  EXPECT_FALSE(t.value());
  EXPECT_NE(t.reason().find("1 of 2 threads"), std::string::npos) << t.reason();
}

// The real backend, on whatever machine runs the tests.
void spin_for(std::chrono::milliseconds span) {
  const auto end = std::chrono::steady_clock::now() + span;
  volatile std::uint64_t sink = 0;
  while (std::chrono::steady_clock::now() < end) sink = sink + 1;
}

TEST(CountersReal, task_clock_counts_a_busy_loop) {
  ThreadCounters counters(*parse_counter_selection("task-clock,page-faults"));
  counters.start();
  spin_for(std::chrono::milliseconds(20));
  counters.stop();
  const auto reading = counters.read();
  const EventReading& clock = *reading.find(Ev::task_clock);
  ASSERT_EQ(clock.status, St::ok) << clock.reason;
  EXPECT_GT(*clock.value, 0.0);
  EXPECT_GT(*clock.running_fraction, 0.99);  // software events are never multiplexed
  EXPECT_EQ(reading.find(Ev::page_faults)->status, St::ok) << reading.find(Ev::page_faults)->reason;
}

TEST(CountersReal, a_sleeping_thread_shows_context_switches) {
  ThreadCounters counters(*parse_counter_selection("context-switches"));
  counters.start();
  for (int i = 0; i < 20; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  counters.stop();
  const auto reading = counters.read();
  const EventReading& switches = *reading.find(Ev::context_switches);
  ASSERT_EQ(switches.status, St::ok) << switches.reason;
  EXPECT_TRUE(switches.source == "perf_event" || switches.source == "getrusage") << switches.source;
  EXPECT_GE(*switches.value, 10.0);  // each sleep blocks once
}

bool has_cpu_pmu() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/sys/bus/event_source/devices", ec))
    if (entry.path().filename().string().starts_with("cpu")) return true;  // cpu, cpu_core, cpu_atom
  return false;
}

TEST(CountersReal, cycles_say_ok_or_why_not) {
  ThreadCounters counters(*parse_counter_selection("cycles,instructions"));
  counters.start();
  spin_for(std::chrono::milliseconds(5));
  counters.stop();
  const auto reading = counters.read();
  const EventReading& cycles = *reading.find(Ev::cycles);
  EXPECT_TRUE(counter_status_from_name(to_string(cycles.status)));
  if (cycles.status == St::ok) {
    EXPECT_GT(*cycles.value, 0.0);
  } else {
    EXPECT_FALSE(cycles.reason.empty());
    EXPECT_FALSE(cycles.value.has_value());
  }
#if defined(__x86_64__)
  // An x86 machine without a cpu PMU (our VMs) must say so, not fail otherwise.
  if (!has_cpu_pmu()) {
    EXPECT_EQ(cycles.status, St::not_supported) << cycles.reason;
  }
#endif
}

}  // namespace
}  // namespace qb
