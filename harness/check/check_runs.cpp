#include "harness/check/check_runs.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/run/payload.hpp"

namespace qb::check {

namespace {

// An item of any of qbench's sizes: the tag, then fill words as payload.hpp
// writes them (fill[i] = tag ^ salt(i)), so a torn item is caught the same way.
struct Item {
  alignas(64) std::array<std::uint64_t, 32> words{};
};

std::uint64_t salt(std::size_t i) { return 0x9E3779B97F4A7C15ull * (2 * i + 1); }

void make_item(Item& item, std::uint64_t tag, std::size_t words) {
  item.words[0] = tag;
  for (std::size_t i = 1; i < words; ++i) item.words[i] = tag ^ salt(i - 1);
}

// The first fill word that is not what the tag asks for, or 0 (word 0 is the tag).
std::size_t bad_word(const Item& item, std::size_t words) {
  for (std::size_t i = 1; i < words; ++i) {
    if (item.words[i] != (item.words[0] ^ salt(i - 1))) return i;
  }
  return 0;
}

std::string describe_bad_word(const Item& item, std::size_t word) {
  const std::uint64_t tag = item.words[0];
  return fmt::format("producer {} seq {}: bytes {}-{} are {:#018x}, not {:#018x}", tag_producer(tag), tag_sequence(tag),
                     8 * word, 8 * word + 7, item.words[word], tag ^ salt(word - 1));
}

// "3, 7, 11 (and 17 more)"
std::string first_few(const std::vector<std::uint64_t>& values, std::uint64_t total) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) out += fmt::format("{}{}", i == 0 ? "" : ", ", values[i]);
  if (total > values.size()) out += fmt::format(" (and {} more)", total - values.size());
  return out;
}

struct Queue {
  const ErasedQueueOps& ops;
  void* q;
  Queue(const ErasedQueueOps& o, void* queue) : ops(o), q(queue) {}
  ~Queue() { ops.destroy(q); }
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;
};

struct alignas(128) ConsumerLog {
  std::vector<std::uint64_t> tags;  // in pop order
  std::uint64_t corrupted = 0;
  std::string first_corruption;

  void note(const Item& item, std::size_t words) {
    tags.push_back(item.words[0]);
    if (const auto w = bad_word(item, words); w != 0 && corrupted++ == 0) first_corruption = describe_bad_word(item, w);
  }
};

// Judges what the consumers popped against what each producer pushed
// (quota[p] items, sequence 0, 1, ...): exactly once, in each producer's
// order where promised, intact; `left_over` items were still in the queue.
void judge(const RunSpec& spec, const std::vector<std::uint64_t>& quota, const std::vector<ConsumerLog>& logs,
           std::uint64_t left_over, RunOutcome& out);

// Single thread: a new queue is empty; a bounded one fills, refuses while
// full and takes again after a pop; everything comes back once, in order,
// intact; and try_pop fails only once it is empty.
RunOutcome run_semantics(const ErasedQueueOps& ops, const RunSpec& spec, void* raw) {
  RunOutcome out;
  Queue queue(ops, raw);
  const auto words = static_cast<std::size_t>(spec.item_bytes) / 8;
  auto add = [&](Category c, std::string detail) {
    out.findings.push_back({c, fmt::format("{}: {}", spec.label, detail)});
  };
  Item item;
  if (ops.try_pop(queue.q, &item)) {
    add(Category::empty_full, "try_pop succeeded on a new queue, which is empty");
    return out;
  }
  // A bounded queue may round its capacity up (to a power of two, say); far
  // past that it is not bounded at all. At capacity 0 a bounded queue uses
  // its own default (an elastic queue's largest size), unknown here.
  const std::uint64_t limit = !spec.bounded ? 10000 : spec.capacity == 0 ? (1u << 20) + 1024 : 4 * spec.capacity + 1024;
  std::uint64_t pushed = 0;
  for (; pushed < limit; ++pushed) {
    make_item(item, make_tag(0, pushed), words);
    if (!ops.try_push(queue.q, &item)) break;
  }
  const std::uint64_t held = pushed;
  if (spec.bounded && held == limit) {
    add(Category::empty_full, fmt::format("try_push never failed: {} items pushed into a bounded queue", held));
    return out;
  }
  if (!spec.bounded && held < limit) {
    add(Category::empty_full, fmt::format("try_push failed after {} items on an unbounded queue", held));
    return out;
  }
  if (spec.bounded && held < spec.capacity) {
    add(Category::empty_full, fmt::format("try_push failed after {} items, before the capacity of {} was reached",
                                          held, spec.capacity));
    return out;
  }
  std::vector<ConsumerLog> logs(1);
  if (spec.bounded) {  // full: one pop must make room for one push
    if (!ops.try_pop(queue.q, &item)) {
      add(Category::empty_full, fmt::format("try_pop failed on a full queue holding {} items", held));
      return out;
    }
    logs[0].note(item, words);
    make_item(item, make_tag(0, pushed), words);
    if (!ops.try_push(queue.q, &item)) {
      add(Category::empty_full, "try_push failed on a full queue after a pop made room");
      return out;
    }
    ++pushed;
  }
  // Pop until it says empty; past twice what went in, it is inventing items.
  while (logs[0].tags.size() < 2 * pushed + 2 && ops.try_pop(queue.q, &item)) logs[0].note(item, words);
  if (ops.try_pop(queue.q, &item)) {
    add(Category::empty_full, fmt::format("try_pop failed while the queue still held items (it then returned "
                                          "producer {} seq {})", tag_producer(item.words[0]), tag_sequence(item.words[0])));
    return out;
  }
  judge(spec, {pushed}, logs, 0, out);
  if (out.findings.empty()) {
    out.note = spec.bounded ? fmt::format("held {} at capacity {}", held, spec.capacity)
                            : fmt::format("took {} without refusing", held);
  }
  return out;
}

RunOutcome run_threaded(const ErasedQueueOps& ops, const RunSpec& spec, void* raw) {
  RunOutcome out;
  Queue queue(ops, raw);
  const auto words = static_cast<std::size_t>(spec.item_bytes) / 8;
  const int np = spec.producers;
  const int nc = spec.consumers;
  std::vector<std::uint64_t> quota(static_cast<std::size_t>(np), spec.items / static_cast<std::uint64_t>(np));
  for (std::uint64_t i = 0; i < spec.items % static_cast<std::uint64_t>(np); ++i) ++quota[i];
  std::vector<ConsumerLog> logs(static_cast<std::size_t>(nc));
  for (auto& log : logs) log.tags.reserve(spec.items / static_cast<std::uint64_t>(nc) + 1024);
  // relaxed throughout: these are progress counters and flags read by polling;
  // the items themselves travel through the queue under test, whose ordering
  // is what the run judges.
  std::atomic<std::uint64_t> popped{0};
  std::atomic<int> producers_done{0};
  std::atomic<long long> last_pop_ns{0};
  const auto t0 = std::chrono::steady_clock::now();
  auto now_ns = [&] { return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count(); };

  std::vector<std::thread> threads;
  for (int p = 0; p < np; ++p) {
    threads.emplace_back([&, p] {
      Item item;
      for (std::uint64_t seq = 0; seq < quota[static_cast<std::size_t>(p)]; ++seq) {
        make_item(item, make_tag(static_cast<std::uint32_t>(p), seq), words);
        for (int tries = 0; !ops.try_push(queue.q, &item); ++tries) {
          if (tries > 64) std::this_thread::yield();
        }
      }
      producers_done.fetch_add(1, std::memory_order_relaxed);
    });
  }
  for (int c = 0; c < nc; ++c) {
    threads.emplace_back([&, c] {
      ConsumerLog& log = logs[static_cast<std::size_t>(c)];
      Item item;
      for (int idle = 0;;) {
        if (ops.try_pop(queue.q, &item)) {
          idle = 0;
          log.note(item, words);
          popped.fetch_add(1, std::memory_order_relaxed);
          last_pop_ns.store(now_ns(), std::memory_order_relaxed);
          continue;
        }
        if (popped.load(std::memory_order_relaxed) >= spec.items) break;
        if (producers_done.load(std::memory_order_relaxed) == np) {
          const auto quiet = now_ns() - std::max(last_pop_ns.load(std::memory_order_relaxed), 0LL);
          if (quiet > std::chrono::nanoseconds(spec.stall_grace).count()) break;
        }
        if (++idle > 64) std::this_thread::yield();
      }
    });
  }
  for (auto& t : threads) t.join();

  // Anything still in the queue once every consumer stopped is an extra item.
  std::uint64_t left_over = 0;
  {
    Item item;
    while (left_over < spec.items + 1 && ops.try_pop(queue.q, &item)) ++left_over;
  }

  judge(spec, quota, logs, left_over, out);
  if (out.findings.empty()) out.note = fmt::format("{} items", spec.items);
  return out;
}

void judge(const RunSpec& spec, const std::vector<std::uint64_t>& quota, const std::vector<ConsumerLog>& logs,
           std::uint64_t left_over, RunOutcome& out) {
  const auto np = static_cast<std::uint32_t>(quota.size());
  const auto nc = logs.size();
  std::uint64_t total = 0;
  for (auto q : quota) total += q;
  std::vector<std::vector<std::uint8_t>> seen(np);
  for (std::uint32_t p = 0; p < np; ++p) seen[p].assign(quota[p], 0);
  std::uint64_t unexpected = 0, misordered = 0, corrupted = 0;
  std::string first_unexpected, first_misordered, first_corruption;
  for (std::size_t c = 0; c < nc; ++c) {
    const auto& log = logs[c];
    corrupted += log.corrupted;
    if (first_corruption.empty() && log.corrupted > 0) first_corruption = fmt::format("consumer {}: {}", c, log.first_corruption);
    std::vector<std::int64_t> last(np, -1);
    for (const auto tag : log.tags) {
      const auto p = tag_producer(tag);
      const auto seq = tag_sequence(tag);
      if (p >= np || seq >= quota[p]) {
        if (unexpected++ == 0) first_unexpected = fmt::format("consumer {} popped producer {} seq {}, never pushed", c, p, seq);
        continue;
      }
      auto& count = seen[p][seq];
      if (count < 255) ++count;
      if (spec.check_order && static_cast<std::int64_t>(seq) < last[p]) {
        if (misordered++ == 0) {
          first_misordered = fmt::format("consumer {} popped producer {} seq {} after seq {}", c, p, seq, last[p]);
        }
      }
      last[p] = std::max(last[p], static_cast<std::int64_t>(seq));
    }
  }
  std::uint64_t lost = 0, duplicated = 0;
  std::vector<std::uint64_t> lost_first, dup_first;
  std::uint32_t lost_producer = 0, dup_producer = 0;
  for (std::uint32_t p = 0; p < np; ++p) {
    for (std::uint64_t seq = 0; seq < quota[p]; ++seq) {
      const auto n = seen[p][seq];
      if (n == 0) {
        if (lost == 0) lost_producer = p;
        if (lost_first.size() < 5 && p == lost_producer) lost_first.push_back(seq);
        ++lost;
      } else if (n > 1) {
        if (duplicated == 0) dup_producer = p;
        if (dup_first.size() < 5 && p == dup_producer) dup_first.push_back(seq);
        duplicated += n - 1u;
      }
    }
  }
  auto add = [&](Category c, std::string detail) {
    out.findings.push_back({c, fmt::format("{}: {}", spec.label, detail)});
  };
  if (lost > 0) {
    add(Category::exactly_once, fmt::format("lost {} of {} items: producer {} seq {}", lost, total, lost_producer,
                                            first_few(lost_first, lost)));
  }
  if (duplicated > 0) {
    add(Category::exactly_once, fmt::format("{} items popped more than once: producer {} seq {}", duplicated,
                                            dup_producer, first_few(dup_first, duplicated)));
  }
  if (unexpected > 0) add(Category::exactly_once, fmt::format("{} items never pushed: {}", unexpected, first_unexpected));
  if (left_over > 0) {
    add(Category::exactly_once,
        fmt::format("{} items still in the queue after all {} were delivered", left_over, total));
  }
  if (misordered > 0) add(Category::order, fmt::format("{} items out of their producer's order: {}", misordered, first_misordered));
  if (corrupted > 0) add(Category::payload, fmt::format("{} items with wrong bytes: {}", corrupted, first_corruption));
}

}  // namespace

const char* to_string(Category c) {
  switch (c) {
    case Category::empty_full: return "empty/full";
    case Category::exactly_once: return "exactly-once";
    case Category::order: return "order";
    case Category::payload: return "payload";
    case Category::liveness: return "no hang or crash";
  }
  return "?";
}

RunOutcome run_spec(const ErasedQueueOps& ops, const RunSpec& spec) {
  std::string error;
  void* q = ops.create(ops.context, spec.capacity, &error);
  if (q == nullptr) {
    return RunOutcome{{{Category::liveness, fmt::format("{}: create refused capacity {}: {}", spec.label, spec.capacity, error)}}, {}};
  }
  return spec.threaded ? run_threaded(ops, spec, q) : run_semantics(ops, spec, q);
}

nlohmann::json to_json(const RunOutcome& outcome) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : outcome.findings) findings.push_back({{"category", static_cast<int>(f.category)}, {"detail", f.detail}});
  return {{"findings", findings}, {"note", outcome.note}};
}

RunOutcome outcome_from_json(const nlohmann::json& j) {
  RunOutcome out;
  for (const auto& f : j.at("findings")) {
    out.findings.push_back({static_cast<Category>(f.at("category").get<int>()), f.at("detail").get<std::string>()});
  }
  out.note = j.at("note").get<std::string>();
  return out;
}

}  // namespace qb::check
