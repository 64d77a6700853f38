// The item every measured queue carries: a tag naming its producer and its
// sequence number, padded to the payload size under test.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace qb {

// tag = producer << 48 | sequence: one 64-bit word, so an 8-byte payload is
// exactly the tag and nothing is measured but the queue.
inline constexpr int kSequenceBits = 48;
inline constexpr std::uint64_t kSequenceMask = (std::uint64_t{1} << kSequenceBits) - 1;
inline constexpr std::uint32_t kMaxProducers = 1u << (64 - kSequenceBits);

constexpr std::uint64_t make_tag(std::uint32_t producer, std::uint64_t sequence) {
  return std::uint64_t{producer} << kSequenceBits | sequence;
}
constexpr std::uint32_t tag_producer(std::uint64_t tag) {
  return static_cast<std::uint32_t>(tag >> kSequenceBits);
}
constexpr std::uint64_t tag_sequence(std::uint64_t tag) { return tag & kSequenceMask; }

// A payload wider than the tag is the tag followed by fill words, each a
// function of the tag (fill[i] = tag ^ kFillSalt[i]) that the producer writes
// and the consumer checks: a queue that tears, overwrites or mixes up the
// bytes of an item is caught even where the tag survives. Nothing else rides
// in the item: end-to-end latency is sampled outside it (latency_sample.hpp),
// so the item is exactly the payload size under test.
template <std::size_t kBytes>
struct Payload {
  static_assert(kBytes % sizeof(std::uint64_t) == 0 && kBytes >= 2 * sizeof(std::uint64_t));
  static constexpr std::size_t kFillWords = kBytes / sizeof(std::uint64_t) - 1;
  std::uint64_t tag = 0;
  std::array<std::uint64_t, kFillWords> fill{};
};

template <>
struct Payload<8> {
  static constexpr std::size_t kFillWords = 0;
  std::uint64_t tag = 0;
};

static_assert(sizeof(Payload<8>) == 8 && sizeof(Payload<64>) == 64 && sizeof(Payload<256>) == 256);

namespace detail {
// Odd multiples of the golden ratio: every fill word differs from the tag and
// from its neighbours, so a word copied from elsewhere in the item (or from
// another item) does not pass for the right one.
template <std::size_t kWords>
constexpr std::array<std::uint64_t, kWords> fill_salts() {
  std::array<std::uint64_t, kWords> salts{};
  for (std::size_t i = 0; i < kWords; ++i) salts[i] = 0x9E3779B97F4A7C15ull * (2 * i + 1);
  return salts;
}
}  // namespace detail

// Writes the fill words of `item` from its tag (nothing for an 8-byte item).
template <class Item>
inline void fill_payload(Item& item) noexcept {
  if constexpr (Item::kFillWords > 0) {
    static constexpr auto kSalts = detail::fill_salts<Item::kFillWords>();
    for (std::size_t i = 0; i < Item::kFillWords; ++i) item.fill[i] = item.tag ^ kSalts[i];
  }
}

// The item tagged `tag`, fill included.
template <class Item>
inline Item make_item(std::uint64_t tag) noexcept {
  Item item;
  item.tag = tag;
  fill_payload(item);
  return item;
}

// True when every fill word is the one its tag asks for.
template <class Item>
inline bool payload_intact(const Item& item) noexcept {
  if constexpr (Item::kFillWords > 0) {
    static constexpr auto kSalts = detail::fill_salts<Item::kFillWords>();
    std::uint64_t diff = 0;  // one branch per item, not per word
    for (std::size_t i = 0; i < Item::kFillWords; ++i) diff |= item.fill[i] ^ item.tag ^ kSalts[i];
    return diff == 0;
  } else {
    return true;
  }
}

inline constexpr std::array<int, 3> kPayloadSizes{8, 64, 256};

}  // namespace qb
