import numpy as np

from livecaption.audio.ring import RingBuffer


def test_wraps_around_and_keeps_absolute_indices():
    ring = RingBuffer(10)
    data = np.arange(25, dtype=np.float32)
    for i in range(0, 25, 4):  # writes of 4 straddle the end of the array
        ring.write(data[i : i + 4])
    assert ring.written == 25
    assert ring.oldest == 15
    first, got, lost = ring.read(15)
    assert first == 15 and lost == 0
    np.testing.assert_array_equal(got, data[15:25])
    first, got, _ = ring.read(20, max_samples=3)
    np.testing.assert_array_equal(got, [20, 21, 22])


def test_overflow_reports_lost_samples_and_keeps_newest():
    ring = RingBuffer(8)
    ring.write(np.arange(5, dtype=np.float32))
    ring.write(np.arange(5, 20, dtype=np.float32))  # more than capacity in one write
    first, got, lost = ring.read(0)
    assert (first, lost) == (12, 12)
    np.testing.assert_array_equal(got, np.arange(12, 20))


def test_full_buffer_read_in_order():
    ring = RingBuffer(6)
    ring.write(np.arange(9, dtype=np.float32))
    _, got, _ = ring.read(3)
    np.testing.assert_array_equal(got, np.arange(3, 9))


def test_reading_ahead_of_writer_gives_nothing():
    ring = RingBuffer(4)
    ring.write(np.ones(2, np.float32))
    first, got, lost = ring.read(2)
    assert (first, len(got), lost) == (2, 0, 0)


def test_memory_is_fixed_for_long_sessions():
    ring = RingBuffer(16000 * 60)
    block = np.zeros(512, np.float32)
    before = ring._buf.nbytes
    for _ in range(20000):  # ~11 minutes of 32 ms blocks
        ring.write(block)
    assert ring._buf.nbytes == before
    assert ring.written == 20000 * 512
