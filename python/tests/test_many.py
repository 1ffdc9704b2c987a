"""verify_many keeps input order over 10,000 items, pulls items lazily, and
its memory stays flat."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import hallmark
from conftest import MEDIA, Corpus

COUNT = 10_000
#: One item in five is 1 MiB of bytes that are no media: were every item
#: buffered, 10,000 of them would take gigabytes.
BIG = 1024 * 1024


def rss_bytes() -> int:
    """The resident set size now (not the peak), from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def test_order_and_bounded_memory_over_10000_items(corpus: Corpus) -> None:
    signed_jpeg = corpus.files["hallmark-signed sample.jpg"].read_bytes()
    signed_png = corpus.files["hallmark-signed sample.png"].read_bytes()
    unsigned = (MEDIA / "sample.jpg").read_bytes()
    big_garbage = b"\x01" * BIG
    cycle = [signed_jpeg, big_garbage, unsigned, signed_png, corpus.files["tampered sample.jpg"]]
    expected_states = ["valid", "error", "none", "valid", "invalid"]

    pulled = 0

    def items() -> Iterator[bytes | Path]:
        nonlocal pulled
        for i in range(COUNT):
            pulled += 1
            yield cycle[i % len(cycle)]

    jobs = 2
    gc.collect()
    baseline = None
    most_ahead = 0
    seen = 0
    for i, report in enumerate(hallmark.verify_many(items(), jobs=jobs)):
        assert report["state"] == expected_states[i % len(cycle)], (i, report)
        most_ahead = max(most_ahead, pulled - i)
        seen += 1
        if i == 500:
            baseline = rss_bytes()
    assert seen == COUNT
    assert baseline is not None
    growth = rss_bytes() - baseline
    # The window is 4 items per job: the generator is never far ahead.
    assert most_ahead <= 4 * jobs + 2, most_ahead
    # Buffering the items would take ~2 GB (2,000 padded items), the reports ~50 MB;
    # a flat run stays within a few MB of noise.
    assert growth < 64 * 1024 * 1024, f"RSS grew by {growth / 1e6:.1f} MB"


def test_breaking_out_early_stops_cleanly(corpus: Corpus) -> None:
    path = corpus.files["hallmark-signed sample.jpg"]
    for i, report in enumerate(hallmark.verify_many(path for _ in range(1000))):
        assert report["file"] == str(path)
        if i == 10:
            break
    # A new iterator after an abandoned one works as before.
    assert [r["state"] for r in hallmark.verify_many([path, path], jobs=1)] == ["valid", "valid"]


def test_order_with_uneven_work(corpus: Corpus) -> None:
    """Slow and fast items interleaved: results still come back in input order."""
    slow = corpus.files["hallmark-signed sample.mp4"]
    fast = b""
    items: list[Path | bytes] = [slow if i % 3 == 0 else fast for i in range(300)]
    reports = list(hallmark.verify_many(items, jobs=4))
    assert [r["file"] for r in reports] == [str(i) if isinstance(i, Path) else None for i in items]


def test_the_gil_is_released_while_verifying(credentials: Path, tmp_path: Path) -> None:
    """Another Python thread runs during one long verify call and one long
    wait of verify_many: neither holds the GIL while the work is in Rust."""
    import io
    import threading
    import wave

    from conftest import PASSPHRASE

    sound = io.BytesIO()
    with wave.open(sound, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(bytes(64 * 1024 * 1024))  # 64 MiB: long enough to hash
    big = tmp_path / "big.wav"
    big.write_bytes(hallmark.sign(sound.getvalue(), credentials=credentials, passphrase=PASSPHRASE))

    done = threading.Event()
    ticks = 0

    def count() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    counter = threading.Thread(target=count)
    counter.start()
    try:
        before = ticks
        assert hallmark.verify(big)["state"] == "valid"
        during_verify = ticks - before
        before = ticks
        assert next(hallmark.verify_many([big]))["state"] == "valid"
        during_many = ticks - before
    finally:
        done.set()
        counter.join()
    # A call that held the GIL would leave the counter where it was (give or
    # take the one switch interval before the call).
    assert during_verify > 10_000, during_verify
    assert during_many > 10_000, during_many
