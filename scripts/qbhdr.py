"""HdrHistogram's V2 compressed encoding: a histogram's "hdr" in qbench results.

Input: the base64 text qbench writes as a histogram's "hdr" (decode), or
[(lowest_ns, count), ...] buckets (encode). Output: the other. decode()
refuses, with ValueError naming what is wrong, anything that is not a V2
compressed histogram with qbench's range and precision (harness/measure/histogram.hpp:
3 significant digits, 1 ns to 60 s). Only the counts travel: the exact min,
max and sum are the histogram's other keys.

Bytes, big-endian: int32 compressed cookie, int32 length of the zlib stream,
then the zlib stream (RFC 1950) of: int32 cookie, int32 payload length, int32
normalizing index offset, int32 significant digits, int64 lowest discernible
value, int64 highest trackable value, float64 integer-to-double ratio, then
the counts of index 0, 1, 2, ... as ZigZag LEB128 (7 bits a byte, low first,
the ninth byte carrying a full 8), a run of k zero counts written as -k.
A cookie's second nibble is the word size Java writes; decoders ignore it.
"""

from __future__ import annotations

import base64
import binascii
import struct
import zlib

import numpy as np

COOKIE = 0x1C849313
COMPRESSED_COOKIE = 0x1C849314
COOKIE_BASE_MASK = 0xFFFFFFFF & ~0xF0
SIGNIFICANT_DIGITS = 3
LOWEST_DISCERNIBLE = 1
HIGHEST_TRACKABLE_NS = 60_000_000_000
SUB_BUCKET_HALF_BITS = 10  # sub_bucket_half_count_magnitude: 1024 sub-buckets a bucket after the first
COUNTS_LEN = 27648  # (26 buckets + 1) * 1024, as histogram.hpp's kCountsLen

_OUTER = struct.Struct(">II")
_HEADER = struct.Struct(">IIiiqqd")  # 40 bytes
_MAX_PLAIN = _HEADER.size + COUNTS_LEN * 9  # every count takes 1 to 9 bytes
_INT64_MAX = (1 << 63) - 1
_U64 = (1 << 64) - 1


def lowest_at(index: int) -> int:
    """The smallest value counts-array index `index` holds (valueFromIndex)."""
    bucket = (index >> SUB_BUCKET_HALF_BITS) - 1
    sub = (index & ((1 << SUB_BUCKET_HALF_BITS) - 1)) + (1 << SUB_BUCKET_HALF_BITS)
    if bucket < 0:
        sub -= 1 << SUB_BUCKET_HALF_BITS
        bucket = 0
    return sub << bucket


def index_of(value: int) -> int:
    """The counts-array index that holds `value` (histogram.hpp's index_of)."""
    bucket = max(0, (value | 2047).bit_length() - SUB_BUCKET_HALF_BITS - 1)
    return (bucket << SUB_BUCKET_HALF_BITS) + (value >> bucket)


def _reject(why: str) -> ValueError:
    return ValueError(f"HdrHistogram encoding: {why}")


def _lowest_at(indexes: np.ndarray) -> np.ndarray:
    """lowest_at of every index at once."""
    bucket = (indexes >> SUB_BUCKET_HALF_BITS) - 1
    sub = (indexes & ((1 << SUB_BUCKET_HALF_BITS) - 1)) + (1 << SUB_BUCKET_HALF_BITS)
    first = bucket < 0
    sub[first] -= 1 << SUB_BUCKET_HALF_BITS
    bucket[first] = 0
    return sub << bucket


def _counts_at_once(payload: bytes) -> tuple[np.ndarray, np.ndarray] | None:
    """(indexes, counts) of the non-empty buckets, every number read at once,
    or None where _counts_one_by_one must read it instead: a payload that is
    truncated, runs past the last bucket, or has a number whose 9th byte has
    its top bit set. Otherwise a number ends at the first byte below 0x80,
    as _counts_one_by_one ends it (a 9th byte below 0x80 has no top bit to
    drop), so the two agree; _counts_one_by_one alone words the refusals."""
    data = np.frombuffer(payload, np.uint8)
    if data.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    ends = np.flatnonzero(data < 0x80)
    if ends.size == 0 or ends[-1] != data.size - 1:
        return None
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    lengths = ends - starts + 1
    if lengths.max() > 9:
        return None
    shifts = 7 * (np.arange(data.size) - np.repeat(starts, lengths))
    v = np.add.reduceat((data & 0x7F).astype(np.uint64) << shifts.astype(np.uint64), starts)
    value = (v >> np.uint64(1)).astype(np.int64) ^ -(v & np.uint64(1)).astype(np.int64)
    if value.min() < -COUNTS_LEN:
        return None
    run = np.where(value < 0, -value, 1)
    after = np.cumsum(run)
    if after[-1] > COUNTS_LEN:
        return None
    filled = value > 0
    return (after - run)[filled], value[filled]


def _counts(payload: bytes) -> list[tuple[int, int]]:
    found = _counts_at_once(payload)
    if found is None:
        return _counts_one_by_one(payload)
    indexes, counts = found
    return list(zip(_lowest_at(indexes).tolist(), counts.tolist()))


def _counts_one_by_one(payload: bytes) -> list[tuple[int, int]]:
    out = []
    at, index, end = 0, 0, len(payload)
    while at < end:
        v = 0
        for k in range(9):
            if at >= end:
                raise _reject("the counts end inside a number (truncated)")
            byte = payload[at]
            at += 1
            if k == 8:
                v |= byte << 56
                break
            v |= (byte & 0x7F) << (7 * k)
            if byte < 0x80:
                break
        value = (v >> 1) ^ -(v & 1)
        run = -value if value < 0 else 1
        if run > COUNTS_LEN - index:
            raise _reject(f"more counts than the histogram's {COUNTS_LEN} buckets")
        if value > 0:
            out.append((lowest_at(index), value))
        index += run
    return out


def decode(text: str) -> list[tuple[int, int]]:
    """[(lowest_ns, count), ...] of the non-empty buckets, ascending."""
    if not isinstance(text, str):
        raise _reject(f"a {type(text).__name__}, not a base64 string")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise _reject("not base64") from None
    if len(raw) < _OUTER.size:
        raise _reject(f"{len(raw)} bytes, shorter than its {_OUTER.size}-byte header")
    cookie, length = _OUTER.unpack_from(raw)
    if cookie & COOKIE_BASE_MASK != COMPRESSED_COOKIE & COOKIE_BASE_MASK:
        raise _reject(f"cookie {cookie:#010x} is not a V2 compressed histogram's")
    if length != len(raw) - _OUTER.size:
        raise _reject(f"the zlib stream is {len(raw) - _OUTER.size} bytes, its header says {length}")
    inflate = zlib.decompressobj()
    try:
        plain = inflate.decompress(raw[_OUTER.size:], _MAX_PLAIN + 1)
    except zlib.error as e:
        raise _reject(f"the zlib stream does not inflate ({e})") from None
    if len(plain) > _MAX_PLAIN:
        raise _reject(f"inflates past the {_MAX_PLAIN} bytes {COUNTS_LEN} counts can take")
    if not inflate.eof or inflate.unused_data:
        raise _reject("the zlib stream is cut short" if not inflate.eof else "bytes follow the zlib stream")
    if len(plain) < _HEADER.size:
        raise _reject(f"the inflated header is {len(plain)} bytes, not {_HEADER.size}")
    cookie, payload_len, offset, digits, lowest, highest, ratio = _HEADER.unpack_from(plain)
    if cookie & COOKIE_BASE_MASK != COOKIE & COOKIE_BASE_MASK:
        raise _reject(f"inner cookie {cookie:#010x} is not a V2 histogram's")
    if payload_len != len(plain) - _HEADER.size:
        raise _reject(f"the counts are {len(plain) - _HEADER.size} bytes, the header says {payload_len}")
    if offset != 0:
        raise _reject(f"normalizing index offset {offset} is not supported")
    if (digits, lowest, highest, ratio) != (SIGNIFICANT_DIGITS, LOWEST_DISCERNIBLE, HIGHEST_TRACKABLE_NS, 1.0):
        raise _reject(f"written with another range or precision ({digits} digits, {lowest} to {highest}, "
                      f"ratio {ratio:g}); qbench writes {SIGNIFICANT_DIGITS} digits, {LOWEST_DISCERNIBLE} to "
                      f"{HIGHEST_TRACKABLE_NS}")
    return _counts(plain[_HEADER.size:])


def _zigzag(value: int) -> bytes:
    v = ((value << 1) ^ (value >> 63)) & _U64
    out = bytearray()
    for _ in range(8):
        if v < 0x80:
            out.append(v)
            return bytes(out)
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def encode(buckets) -> str:
    """The "hdr" text of [(lowest_ns, count), ...]; each lowest_ns must be a
    bucket's lowest value, counts non-negative (the same bucket twice adds)."""
    counts: dict[int, int] = {}
    for lowest, count in buckets:
        if isinstance(lowest, bool) or not isinstance(lowest, int) or lowest < 0:
            raise ValueError(f"bucket {lowest!r}: not a non-negative integer")
        index = index_of(lowest)
        if index >= COUNTS_LEN or lowest_at(index) != lowest:
            raise ValueError(f"bucket {lowest}: not the lowest value of a bucket within 60 s")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"bucket {lowest}: count {count!r} is not a non-negative integer")
        counts[index] = counts.get(index, 0) + count
        if counts[index] > _INT64_MAX:
            raise ValueError(f"bucket {lowest}: count {counts[index]} does not fit in 63 bits")
    nonzero = sorted(i for i, n in counts.items() if n)
    payload = bytearray()
    at = 0
    for index in nonzero:
        zeros = index - at
        if zeros:
            payload += _zigzag(0 if zeros == 1 else -zeros)
        payload += _zigzag(counts[index])
        at = index + 1
    plain = _HEADER.pack(COOKIE, len(payload), 0, SIGNIFICANT_DIGITS, LOWEST_DISCERNIBLE,
                         HIGHEST_TRACKABLE_NS, 1.0) + bytes(payload)
    deflated = zlib.compress(plain, 9)
    return base64.b64encode(_OUTER.pack(COMPRESSED_COOKIE, len(deflated)) + deflated).decode("ascii")
