"""How many recommendable pairs the Benjamini-Hochberg correction removes, store by store.

    .venv/bin/python scripts/bh_effect.py [HOME ...]

Each HOME is a ppdesk store folder (import an export first, e.g. the shared real
exports: ``ppdesk --home /tmp/ev/NAME import FILE...``). For every store, at the product
level in the default window: the pairs tested (seen together once or more), the pairs
recommendable by the old rule (together >= minimum, lift > 1, p-value <= 0.05) and by
the new one (q-value <= 0.05 instead of the p-value), and up to two pairs the
correction removed, with their figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ppdesk.core.analytics.evidence import evidence_for
from ppdesk.core.store import open_store


def main(homes: list[str]) -> int:
    total_before = total_after = 0
    examples = []
    for home in homes:
        evidence = evidence_for(open_store(Path(home)))
        s = evidence.settings
        frame = evidence.pairs("product").pairs
        before = ((frame["orders_together"] >= s.min_orders_together) & (frame["lift"] > 1)
                  & (frame["p_value"] <= s.max_p_value) & ~frame["substitute"])
        after = frame["recommendable"]
        removed = frame.loc[before & ~after].sort_values("p_value")
        total_before += int(before.sum())
        total_after += int(after.sum())
        print(f"{Path(home).name}: {len(frame)} pairs tested, recommendable before "
              f"{int(before.sum())}, after {int(after.sum())}")
        for row in removed.head(2).itertuples(index=False):
            examples.append(f"  {Path(home).name}: {row.name_a} + {row.name_b}: together "
                            f"{row.orders_together} of {evidence.pairs().orders_total} orders "
                            f"(with A {row.orders_with_a}, with B {row.orders_with_b}), lift "
                            f"{row.lift:.1f}, p {row.p_value:.2g}, q {row.q_value:.3g}")
    print(f"all stores: recommendable before {total_before}, after {total_after}")
    print("pairs the correction removed (smallest p first):")
    print("\n".join(examples) if examples else "  none")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
