"""The randomness of a verifiable draw: a `random.Random` whose bits come from SHA-256.

Python's own generator (the Mersenne Twister) is deterministic for a seed, but its seeding from
bytes is an implementation detail and other languages do not have it. Here every bit comes from
SHA-256(seed ‖ counter), a construction anyone can rebuild in any language; the shuffles and
choices on top are Python's, whose integer algorithm (`_randbelow` by rejection on
`getrandbits`) has been stable since Python 3.2.
"""

import hashlib
import random


def derive_seed(secret: bytes, entropy: str) -> bytes:
    """The seed of a draw: SHA-256(secret ‖ entropy), the entropy in UTF-8 as typed."""
    return hashlib.sha256(secret + entropy.encode("utf-8")).digest()


def commitment(secret: bytes) -> str:
    """What the secretariat publishes before the meeting: SHA-256 of the secret, in hex."""
    return hashlib.sha256(secret).hexdigest()


def run_seed(base: bytes, run: int) -> bytes:
    """The seed of dry run number `run`: the base seed itself for run 0 (so a dry run with a
    published seed reproduces that draw), SHA-256(base ‖ run as 4 bytes) for the others."""
    if run == 0:
        return base
    return hashlib.sha256(base + run.to_bytes(4, "big")).digest()


class HashRandom(random.Random):
    """Random numbers from SHA-256 in counter mode: block i is SHA-256(seed ‖ i as 8 bytes)."""

    def __init__(self, seed: bytes):
        super().__init__(0)  # sets up the base class; its own generator is never used
        self._seed = bytes(seed)
        self._counter = 0
        self._pool = 0  # buffered bits, least significant first
        self._pool_bits = 0

    def seed(self, *args, **kwargs) -> None:
        if hasattr(self, "_seed"):
            raise TypeError("a HashRandom is seeded once, at creation")
        super().seed(*args, **kwargs)

    def getrandbits(self, k: int) -> int:
        if k < 0:
            raise ValueError("number of bits must be non-negative")
        while self._pool_bits < k:
            block = hashlib.sha256(self._seed + self._counter.to_bytes(8, "big")).digest()
            self._counter += 1
            self._pool |= int.from_bytes(block, "big") << self._pool_bits
            self._pool_bits += 256
        value = self._pool & ((1 << k) - 1)
        self._pool >>= k
        self._pool_bits -= k
        return value

    def random(self) -> float:
        return self.getrandbits(53) / 9007199254740992.0  # 2**53

    def getstate(self):
        return (self._seed, self._counter, self._pool, self._pool_bits)

    def setstate(self, state) -> None:
        self._seed, self._counter, self._pool, self._pool_bits = state
