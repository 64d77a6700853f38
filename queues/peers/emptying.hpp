// Emptying<T>: a T or nothing, whose moves leave the source holding nothing.
//
// Some peers keep a husk of an element after it has been popped: atomic_queue
// and xenium's vyukov_bounded_queue hold a T in every slot from construction
// to destruction (a push move-assigns into it, a pop moves out of it), and
// xenium's michael_scott_queue keeps the moved-from value in its dummy node
// until the reclaimer frees the node, possibly after the queue is gone. For a
// T whose destructor matters, their adapters store Emptying<T> instead, so
// that a T lives exactly while it is queued, which the lifetime tests check;
// a trivially destructible T (every harness payload) is stored as itself, so
// the measured code is the library's own.
//
// Invariant: value_ is engaged exactly while the box holds an element; after
// any move from a box, the source is empty.
#pragma once

#include <optional>
#include <type_traits>
#include <utility>

namespace qb {

template <class T>
class Emptying {
 public:
  Emptying() = default;
  explicit Emptying(T&& value) : value_(std::move(value)) {}
  Emptying(Emptying&& other) noexcept : value_(std::move(other.value_)) { other.value_.reset(); }
  Emptying& operator=(Emptying&& other) noexcept {
    if (this != &other) {
      value_ = std::move(other.value_);
      other.value_.reset();
    }
    return *this;
  }

  // Moves the element out; the box is empty afterwards.
  T take() && {
    T out = std::move(*value_);
    value_.reset();
    return out;
  }

 private:
  std::optional<T> value_;
};

// What an adapter hands its library for an element of type T.
template <class T>
using Stored = std::conditional_t<std::is_trivially_destructible_v<T>, T, Emptying<T>>;

// Offers `value` to `try_push` (called with a Stored<T>&&, returns whether it
// took it). When it refuses, `value` is left as it was.
template <class T, class TryPush>
bool offer_stored(T& value, TryPush&& try_push) {
  if constexpr (std::is_same_v<Stored<T>, T>) {
    return try_push(std::move(value));
  } else {
    Emptying<T> box(std::move(value));
    if (try_push(std::move(box))) return true;
    value = std::move(box).take();
    return false;
  }
}

// Pops through `try_pop` (called with a Stored<T>&, returns whether it filled
// it) into `out`, which a failed pop leaves alone.
template <class T, class TryPop>
bool take_stored(T& out, TryPop&& try_pop) {
  if constexpr (std::is_same_v<Stored<T>, T>) {
    return try_pop(out);
  } else {
    Emptying<T> box;
    if (!try_pop(box)) return false;
    out = std::move(box).take();
    return true;
  }
}

}  // namespace qb
