// A lifetime-tracking element type (the idea of rigtorp's TestType): every
// live Tracked is recorded by address in one ledger, and every operation
// checks that the objects it touches are alive. A queue that leaks an item,
// destroys one twice, copies raw bytes instead of moving, or reads a slot
// after destroying it leaves an error or a live object behind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

namespace qb::test {

// Every Tracked alive right now, by address, and what went wrong so far.
// Thread-safe: items are built and destroyed on producer and consumer threads.
class LifetimeLedger {
 public:
  static LifetimeLedger& instance() {
    static LifetimeLedger ledger;
    return ledger;
  }

  void born(const void* p) {
    std::lock_guard lock(mutex_);
    if (!live_.insert(p).second) record("built over a live object (its old value leaked)");
  }

  void died(const void* p) {
    std::lock_guard lock(mutex_);
    if (live_.erase(p) == 0) record("destroyed an object that is not alive");
  }

  void error(const std::string& what) {
    std::lock_guard lock(mutex_);
    record(what);
  }

  std::size_t live() const {
    std::lock_guard lock(mutex_);
    return live_.size();
  }

  std::size_t error_count() const {
    std::lock_guard lock(mutex_);
    return error_count_;
  }

  // The first few errors, one per line.
  std::string errors() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& e : first_errors_) out += e + "\n";
    return out;
  }

  // Forgets past errors, so one test's failure is not blamed on the next.
  // Live objects are kept: a test that leaked still shows its leak.
  void clear_errors() {
    std::lock_guard lock(mutex_);
    error_count_ = 0;
    first_errors_.clear();
  }

 private:
  void record(const std::string& what) {
    ++error_count_;
    if (first_errors_.size() < 16) first_errors_.push_back(what);
  }

  mutable std::mutex mutex_;
  std::unordered_set<const void*> live_;
  std::size_t error_count_ = 0;
  std::vector<std::string> first_errors_;
};

class Tracked {
 public:
  Tracked() noexcept { arrive(State::empty, 0); }
  explicit Tracked(std::uint64_t value) noexcept { arrive(State::holds, value); }

  Tracked(const Tracked& other) noexcept {
    other.expect_alive("copied");
    arrive(other.state_, other.value_);
  }

  Tracked(Tracked&& other) noexcept {
    other.expect_alive("moved");
    arrive(other.state_, other.value_);
    other.state_ = State::moved_from;
  }

  Tracked& operator=(const Tracked& other) noexcept {
    expect_alive("assigned to");
    other.expect_alive("copied");
    state_ = other.state_;
    value_ = other.value_;
    return *this;
  }

  Tracked& operator=(Tracked&& other) noexcept {
    expect_alive("assigned to");
    other.expect_alive("moved");
    if (this != &other) {
      state_ = other.state_;
      value_ = other.value_;
      other.state_ = State::moved_from;
    }
    return *this;
  }

  ~Tracked() {
    expect_alive("destroyed");
    marker_ = kDead;  // volatile: the store survives dead-store elimination
    LifetimeLedger::instance().died(this);
  }

  // The value this object was built with. Reading an empty or moved-from
  // object is an error: a queue handed out something it had moved away.
  std::uint64_t value() const {
    expect_alive("read");
    if (state_ != State::holds) LifetimeLedger::instance().error("read an empty or moved-from object");
    return value_;
  }

 private:
  // Alive / dead markers: a destroyed object keeps kDead in its storage until
  // the memory is reused, so touching it again is caught (and under ASan,
  // touching freed memory is caught by ASan itself).
  static constexpr std::uint64_t kAlive = 0xA11CE0B1EC7A11CEull;
  static constexpr std::uint64_t kDead = 0xDEADDEADDEADDEADull;

  enum class State : std::uint8_t { empty, holds, moved_from };

  void arrive(State state, std::uint64_t value) noexcept {
    marker_ = kAlive;
    state_ = state;
    value_ = value;
    LifetimeLedger::instance().born(this);
  }

  void expect_alive(const char* action) const noexcept {
    const std::uint64_t marker = marker_;
    if (marker == kAlive) return;
    LifetimeLedger::instance().error(std::string(action) +
                                     (marker == kDead ? " after its destruction" : " but never built"));
  }

  volatile std::uint64_t marker_;
  State state_;
  std::uint64_t value_;
};

}  // namespace qb::test
