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

// Every payload of 16 bytes or more carries the producer's clock reading for
// end-to-end latency; an 8-byte payload is the tag alone, so runs that stamp
// items move a Payload<16> when 8 bytes are asked for (the results say so).
template <std::size_t kBytes>
struct Payload {
  static_assert(kBytes >= 2 * sizeof(std::uint64_t));
  std::uint64_t tag = 0;
  std::uint64_t stamp = 0;
  std::array<std::byte, kBytes - 2 * sizeof(std::uint64_t)> fill{};
};

template <>
struct Payload<16> {
  std::uint64_t tag = 0;
  std::uint64_t stamp = 0;
};

template <>
struct Payload<8> {
  std::uint64_t tag = 0;
};

static_assert(sizeof(Payload<8>) == 8 && sizeof(Payload<16>) == 16 && sizeof(Payload<64>) == 64 &&
              sizeof(Payload<256>) == 256);

inline constexpr std::array<int, 3> kPayloadSizes{8, 64, 256};

}  // namespace qb
