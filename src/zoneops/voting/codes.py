"""Voting codes and keyed hashes. Pure: no Django; the secret pepper is passed in.

A voting code is printed for each household: CODE_LENGTH characters from an alphabet without
look-alikes (no 0/O, 1/I/L, U/V). 10 characters from 29 symbols is 29**10 ≈ 4.2e14 codes
(≈ 48.6 bits). Codes are stored only as keyed hashes; the code itself is shown once, to print.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import random
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"  # 29 symbols: no 0 O 1 I L U V
CODE_LENGTH = 10


def code_bits(length: int = CODE_LENGTH) -> float:
    return length * math.log2(len(ALPHABET))


def new_code(rng: random.Random | None = None) -> str:
    """A fresh code; `rng` only for deterministic demo data, never in production."""
    if rng is None:
        return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "".join(rng.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(value: str) -> str:
    """Codes are printed in groups (ABCDE-FGHJK); people type them in any case and spacing."""
    return "".join(ch for ch in str(value or "").upper() if ch.isalnum())


def keyed_hash(pepper: str, *parts: str) -> str:
    """HMAC-SHA256 of the parts under the deployment's secret pepper, as hex."""
    message = "\x1f".join(parts).encode()
    return hmac.new(pepper.encode(), message, hashlib.sha256).hexdigest()


def pretty(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def new_receipt() -> str:
    """A ballot receipt: 16 symbols (≈ 78 bits), unguessable, shown to the voter."""
    return "".join(secrets.choice(ALPHABET) for _ in range(16))


RECEIPT_HASH_ITERATIONS = 100_000


def receipt_hash(receipt: str, salt: str | None = None) -> str:
    """A salted, deliberately slow hash of a receipt ("salt$hex"): checking one receipt is
    cheap, matching every ballot against every participation is not."""
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", normalize_code(receipt).encode(), salt.encode(),
                                 RECEIPT_HASH_ITERATIONS)
    return f"{salt}${digest.hex()}"


def receipt_matches(stored: str, receipt: str) -> bool:
    salt, sep, _digest = stored.partition("$")
    return bool(sep) and hmac.compare_digest(stored, receipt_hash(receipt, salt))
