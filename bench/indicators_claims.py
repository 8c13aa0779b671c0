"""The seed article's growth claim, checked: stated 13.5 %, compound rate printed last.

Also times check_text over a long draft (the seed paragraph repeated) so a slow regular
expression shows up. Run: .venv/bin/python bench/indicators_claims.py
"""

from __future__ import annotations

import time

from zoneops.indicators.claims import check_text

SEED = ("“十四五”期间，园区发展呈现“量质齐升”的强劲态势。产业规模显著壮大，工业总产值从2020年的"
        "565.4亿元一路攀升至2024年的869.5亿元，年均增长率高达13.5%，跑出了令人瞩目的“加速度”。")


def main() -> None:
    (claim,) = check_text(SEED)
    print(f"stated {claim.stated_rate_pct}% consistent={claim.consistent}")
    print(claim.why)
    draft = SEED * 2000  # about 160 000 characters, 2 000 claims
    start = time.perf_counter()
    found = check_text(draft)
    elapsed = time.perf_counter() - start
    print(f"{len(found)} claims in {len(draft)} characters: {elapsed * 1000:.0f} ms")
    print(f"seed claim compound rate (%/a): {claim.compound_rate_pct:.1f}")


if __name__ == "__main__":
    main()
