// Histogram <-> HdrHistogram's V2 compressed encoding (the byte layout is in
// histogram.hpp, above encode_hdr), and the base64 around it.
#include <zlib.h>

#include <array>
#include <cstring>
#include <stdexcept>

#include <fmt/core.h>

#include "harness/measure/histogram.hpp"

namespace qb {
namespace {

constexpr std::uint32_t kV2Cookie = 0x1c849303 | 0x10;            // | word-size nibble, as Java writes it
constexpr std::uint32_t kV2CompressedCookie = 0x1c849304 | 0x10;
constexpr std::uint32_t kCookieBaseMask = ~std::uint32_t{0xf0};  // decoders ignore the nibble
constexpr std::size_t kHeaderBytes = 40;

[[noreturn]] void reject(const std::string& why) { throw std::invalid_argument("HdrHistogram encoding: " + why); }

void put_be(std::string& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t get_be(std::string_view in, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[at + static_cast<std::size_t>(i)]);
  return v;
}

// ZigZag, then LEB128 with the ninth byte carrying a full eight bits
// (HdrHistogram's ZigZagEncoding: 64 bits in at most 9 bytes).
void put_zigzag(std::string& out, std::int64_t value) {
  std::uint64_t v = (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
  for (int i = 0; i < 8; ++i) {
    if (v < 0x80) {
      out.push_back(static_cast<char>(v));
      return;
    }
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

std::int64_t get_zigzag(std::string_view in, std::size_t& at) {
  std::uint64_t v = 0;
  for (int i = 0; i < 9; ++i) {
    if (at >= in.size()) reject("the counts end inside a number");
    const auto byte = static_cast<unsigned char>(in[at++]);
    if (i == 8) {
      v |= std::uint64_t{byte} << 56;
      break;
    }
    v |= std::uint64_t{byte & 0x7fu} << (7 * i);
    if ((byte & 0x80) == 0) break;
  }
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t chunk = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      chunk = (chunk << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    }
    for (std::size_t k = 0; k < 4; ++k) {
      out.push_back(k <= n ? kAlphabet[(chunk >> (18 - 6 * k)) & 0x3f] : '=');
    }
  }
  return out;
}

std::string base64_decode(std::string_view text) {
  std::array<int, 256> value{};
  value.fill(-1);
  for (int i = 0; i < 64; ++i) value[static_cast<unsigned char>(kAlphabet[i])] = i;
  if (text.size() % 4 != 0) reject("base64 length is not a multiple of 4");
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::uint32_t chunk = 0;
    int pad = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = text[i + k];
      if (c == '=' && i + 4 == text.size() && k >= 2) {
        ++pad;
        chunk <<= 6;
        continue;
      }
      const int v = value[static_cast<unsigned char>(c)];
      if (v < 0 || pad > 0) reject("not base64");
      chunk = (chunk << 6) | static_cast<std::uint32_t>(v);
    }
    for (int k = 0; k < 3 - pad; ++k) out.push_back(static_cast<char>((chunk >> (16 - 8 * k)) & 0xff));
  }
  return out;
}

}  // namespace

std::string Histogram::encode_hdr() const {
  std::size_t limit = kCountsLen;
  while (limit > 0 && counts_[limit - 1] == 0) --limit;
  std::string payload;
  for (std::size_t i = 0; i < limit;) {
    if (counts_[i] != 0) {
      put_zigzag(payload, static_cast<std::int64_t>(counts_[i++]));
      continue;
    }
    std::size_t zeros = 0;
    while (i < limit && counts_[i] == 0) ++zeros, ++i;
    put_zigzag(payload, zeros == 1 ? 0 : -static_cast<std::int64_t>(zeros));
  }

  std::string plain;
  put_be(plain, kV2Cookie, 4);
  put_be(plain, payload.size(), 4);
  put_be(plain, 0, 4);
  put_be(plain, kSignificantDigits, 4);
  put_be(plain, 1, 8);
  put_be(plain, kHighestNs, 8);
  std::uint64_t one_bits = 0;
  const double one = 1.0;
  std::memcpy(&one_bits, &one, sizeof one);
  put_be(plain, one_bits, 8);
  plain += payload;

  uLongf deflated_len = compressBound(static_cast<uLong>(plain.size()));
  std::string deflated(deflated_len, '\0');
  // zlib's wrapped format (RFC 1950), which is what Java's Inflater and
  // HdrHistogram_c expect.
  if (compress2(reinterpret_cast<Bytef*>(deflated.data()), &deflated_len,
                reinterpret_cast<const Bytef*>(plain.data()), static_cast<uLong>(plain.size()),
                Z_BEST_COMPRESSION) != Z_OK) {
    throw std::runtime_error("HdrHistogram encoding: zlib compress2 failed");
  }
  deflated.resize(deflated_len);
  std::string out;
  put_be(out, kV2CompressedCookie, 4);
  put_be(out, deflated.size(), 4);
  out += deflated;
  return base64_encode(out);
}

Histogram Histogram::decode_hdr(std::string_view text) {
  const std::string bytes = base64_decode(text);
  if (bytes.size() < 8) reject("shorter than its 8-byte header");
  if ((get_be(bytes, 0, 4) & kCookieBaseMask) != (kV2CompressedCookie & kCookieBaseMask)) {
    reject("not a V2 compressed histogram (cookie)");
  }
  const std::uint64_t deflated_len = get_be(bytes, 4, 4);
  if (deflated_len != bytes.size() - 8) reject("the compressed length disagrees with the data");

  // The header says how long the payload is; every count takes at least a
  // byte and at most 9, so the inflated size is bounded before inflating.
  constexpr std::size_t kMaxPlain = kHeaderBytes + kCountsLen * 9;
  std::string plain(kMaxPlain, '\0');
  uLongf plain_len = kMaxPlain;
  if (uncompress(reinterpret_cast<Bytef*>(plain.data()), &plain_len, reinterpret_cast<const Bytef*>(bytes.data() + 8),
                 static_cast<uLong>(deflated_len)) != Z_OK) {
    reject("the zlib stream does not inflate");
  }
  plain.resize(plain_len);
  if (plain.size() < kHeaderBytes) reject("the inflated header is short");
  if ((get_be(plain, 0, 4) & kCookieBaseMask) != (kV2Cookie & kCookieBaseMask)) reject("not a V2 histogram (cookie)");
  if (get_be(plain, 4, 4) != plain.size() - kHeaderBytes) reject("the payload length disagrees with the data");
  if (get_be(plain, 8, 4) != 0) reject("a normalizing index offset is not supported");
  if (get_be(plain, 12, 4) != static_cast<std::uint64_t>(kSignificantDigits) || get_be(plain, 16, 8) != 1 ||
      get_be(plain, 24, 8) != kHighestNs) {
    reject(fmt::format("written with another range or precision ({} digits, {} to {})", get_be(plain, 12, 4),
                       get_be(plain, 16, 8), get_be(plain, 24, 8)));
  }

  Histogram h;
  const std::string_view payload(plain.data() + kHeaderBytes, plain.size() - kHeaderBytes);
  std::size_t at = 0, index = 0;
  while (at < payload.size()) {
    const std::int64_t v = get_zigzag(payload, at);
    const std::uint64_t run = v < 0 ? static_cast<std::uint64_t>(-v) : 1;
    if (run > kCountsLen - index) reject("more counts than the histogram has buckets");
    if (v > 0) {
      h.counts_[index] = static_cast<std::uint64_t>(v);
      h.count_ += static_cast<std::uint64_t>(v);
      const std::uint64_t middle = (lowest_at(index) + highest_at(index)) / 2;
      h.sum_ += middle * static_cast<std::uint64_t>(v);
      h.min_ = std::min(h.min_, lowest_at(index));
      h.max_ = std::max(h.max_, highest_at(index));
    }
    index += run;
  }
  return h;
}

}  // namespace qb
