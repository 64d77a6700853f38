"""qbhdr reads back what it writes, whatever the counts, and refuses in words
anything that is not a V2 compressed histogram with qbench's parameters."""

from __future__ import annotations

import base64
import random
import struct
import zlib

import pytest

import qbhdr

LOWEST_OF_LAST = qbhdr.lowest_at(qbhdr.COUNTS_LEN - 1)


def _random_buckets(rng, n: int, big: bool = False) -> list[tuple[int, int]]:
    indexes = sorted(rng.sample(range(qbhdr.COUNTS_LEN), n))
    top = (1 << 63) - 1 if big else 1000
    return [(qbhdr.lowest_at(i), rng.randint(1, top)) for i in indexes]


@pytest.mark.parametrize("seed", range(20))
def test_random_bucket_sets_round_trip(seed):
    rng = random.Random(seed)
    buckets = _random_buckets(rng, rng.randint(1, 400), big=seed % 2 == 1)
    assert qbhdr.decode(qbhdr.encode(buckets)) == buckets


@pytest.mark.parametrize("buckets", [
    [],                                                   # an empty histogram: no counts at all
    [(0, 1)],                                             # 0 ns, the first index
    [(LOWEST_OF_LAST, 5)],                                # one long run of zeros, then the last index
    [(0, 3), (LOWEST_OF_LAST, 2)],                        # both ends
    [(5, 1), (7, 1)],                                     # a single zero between (written as 0, not -1)
    [(1, (1 << 63) - 1)],                                 # the largest count: 9 LEB128 bytes
    [(2048, 1 << 56), (4096, (1 << 56) - 1)],             # either side of 8 bytes' 56 bits
], ids=["empty", "zero-ns", "zero-run", "both-ends", "one-zero", "int64-max", "56-bits"])
def test_edge_cases_round_trip(buckets):
    assert qbhdr.decode(qbhdr.encode(buckets)) == buckets


def test_a_huge_count_takes_nine_bytes_whose_last_carries_eight_bits():
    assert len(qbhdr._zigzag((1 << 63) - 1)) == 9
    assert qbhdr._zigzag((1 << 63) - 1)[-1] == 0xFF
    assert len(qbhdr._zigzag(-(1 << 62))) == 9
    assert len(qbhdr._zigzag((1 << 55) - 1)) == 8


def test_the_same_bucket_twice_adds_up_and_values_must_be_bucket_starts():
    assert qbhdr.decode(qbhdr.encode([(3000, 2), (3000, 3)])) == [(3000, 5)]
    with pytest.raises(ValueError, match="not the lowest value of a bucket"):
        qbhdr.encode([(2049, 1)])  # 2048 and 2049 share a bucket
    with pytest.raises(ValueError, match="does not fit in 63 bits"):
        qbhdr.encode([(1, 1 << 63)])


def _frame(payload: bytes, *, cookie=qbhdr.COOKIE, digits=3, lowest=1, highest=qbhdr.HIGHEST_TRACKABLE_NS,
           outer=qbhdr.COMPRESSED_COOKIE, length=None, stream=None) -> str:
    plain = struct.pack(">IIiiqqd", cookie, len(payload), 0, digits, lowest, highest, 1.0) + payload
    deflated = zlib.compress(plain, 9) if stream is None else stream
    size = len(deflated) if length is None else length
    return base64.b64encode(struct.pack(">II", outer, size) + deflated).decode()


def test_the_frame_helper_writes_what_encode_writes():
    assert _frame(bytes([0x02])) == qbhdr.encode([(0, 1)])


@pytest.mark.parametrize("text, words", [
    ("not base64!", "not base64"),
    ("", "shorter than its 8-byte header"),
    (_frame(b"", outer=0x1C849301), "not a V2 compressed histogram"),
    (_frame(b"", length=999), "its header says 999"),
    (_frame(b"", stream=b"garbage!"), "does not inflate"),
    (_frame(b"", stream=zlib.compress(b"x" * 100)[:-6]), "cut short"),
    (_frame(b"", cookie=0x1C849301), "not a V2 histogram"),
    (_frame(b"", digits=2), "another range or precision"),
    (_frame(b"", highest=3_600_000_000_000), "another range or precision"),
    (_frame(b"", lowest=1000), "another range or precision"),
    (_frame(bytes([0x82])), "end inside a number"),                     # a continuation bit, then nothing
    (_frame(qbhdr._zigzag(-qbhdr.COUNTS_LEN) + bytes([0x02])), "more counts than"),
    (_frame(qbhdr._zigzag(-(1 << 62))), "more counts than"),
], ids=["base64", "empty", "outer-cookie", "length", "zlib", "zlib-cut", "inner-cookie", "digits", "highest",
        "lowest", "truncated-counts", "too-many-counts", "huge-zero-run"])
def test_malformed_encodings_are_refused_in_words(text, words):
    with pytest.raises(ValueError, match=words):
        qbhdr.decode(text)


def test_the_word_size_nibble_of_a_cookie_is_ignored():
    assert qbhdr.decode(_frame(bytes([0x02]), cookie=0x1C849303, outer=0x1C849304)) == [(0, 1)]


def test_a_non_string_is_refused():
    with pytest.raises(ValueError, match="not a base64 string"):
        qbhdr.decode(None)


@pytest.mark.parametrize("seed", range(12))
def test_reading_every_count_at_once_agrees_with_reading_them_one_by_one(seed):
    rng = random.Random(100 + seed)
    # counts of 1 to 9 LEB128 bytes, zero runs of every length: the one-pass
    # reader reads each payload as the byte-by-byte reader does, or hands it
    # over; an even seed keeps every 9th byte below 0x80, so it reads them all
    tops = (1, 1000, 1 << 40, (1 << 55) - 1, (1 << 62) - 1) + (((1 << 63) - 1,) if seed % 2 else ())
    buckets = _random_buckets(rng, rng.randint(1, 300))
    buckets = [(lowest, rng.randint(1, rng.choice(tops))) for lowest, _ in buckets]
    plain = zlib.decompress(base64.b64decode(qbhdr.encode(buckets))[8:])
    payload = plain[40:]
    at_once = qbhdr._counts_at_once(payload)
    assert at_once is not None or seed % 2
    if at_once is not None:
        indexes, counts = at_once
        assert [(qbhdr.lowest_at(i), n) for i, n in zip(indexes.tolist(), counts.tolist())] == buckets
    assert qbhdr._counts_one_by_one(payload) == buckets == qbhdr.decode(qbhdr.encode(buckets))


def test_a_ninth_byte_with_its_top_bit_set_is_read_one_by_one():
    payload = qbhdr._zigzag((1 << 63) - 1)
    assert payload[-1] >= 0x80 and qbhdr._counts_at_once(payload) is None
    assert qbhdr._counts_one_by_one(payload) == [(0, (1 << 63) - 1)]
