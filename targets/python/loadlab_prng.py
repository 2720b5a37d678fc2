"""The Node targets' service-time sequence (targets/lib/prng.ts), ported bit for bit.

mulberry32 works on 32-bit unsigned integers; JavaScript's Math.imul and >>> wrap at 2**32,
so every step here is masked to 32 bits. Seed 1 gives the same draws in both languages
(test/targets/python-prng.test.ts checks the first 1,000).
"""

MASK = 0xFFFFFFFF
SERVICE_MIN_MS = 10
SERVICE_MAX_MS = 100


def _imul(x, y):
    return (x * y) & MASK


def mulberry32(seed):
    """A function returning floats uniform in [0, 1), the same sequence as mulberry32(seed) in prng.ts."""
    state = seed & MASK

    def draw():
        nonlocal state
        state = (state + 0x6D2B79F5) & MASK
        t = state
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & MASK
        return ((t ^ (t >> 14)) & MASK) / 4294967296

    return draw


def service_time_ms(rand):
    """Service time of one request, uniform in [SERVICE_MIN_MS, SERVICE_MAX_MS)."""
    return SERVICE_MIN_MS + rand() * (SERVICE_MAX_MS - SERVICE_MIN_MS)


if __name__ == "__main__":
    # `python3 loadlab_prng.py SEED N`: the first N service times, one a line (for the cross-language test).
    import sys

    rand = mulberry32(int(sys.argv[1]))
    print("\n".join(repr(service_time_ms(rand)) for _ in range(int(sys.argv[2]))))
