"""Grouping wordings that match no catalog entry, to propose them as new entries.

Leader clustering: wordings are taken most frequent first; each joins the closest existing group
leader scoring at least `SAME`, else leads a new group. Comparing with leaders (not with any member)
keeps 'nông hộ lắp đặt loa…' and 'trạm y tế được hỗ trợ loa…' from chaining into one group.
Scoring is the matcher's (fuzzy ratios plus IDF-weighted word overlap) and so is the blocking: an
inverted index on the rarer tokens yields at most `NEIGHBOURS` leaders per wording, so the work
grows with the number of wordings, not its square.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from pipeline.link.match import score_keys

SAME = 90.0  # a wording scoring at least this against a group's leader is the same indicator
NEIGHBOURS = 30


def cluster_keys(keys: list[str], counts: list[int] | None = None, threshold: float = SAME) -> list[list[int]]:
    """Indices of `keys` grouped into clusters; `counts` (mentions per key) picks the leaders first."""
    counts = counts or [1] * len(keys)
    token_sets = [frozenset(k.split()) for k in keys]
    df: Counter[str] = Counter(t for toks in token_sets for t in toks)
    n = max(len(keys), 1)
    idf = {t: math.log(1 + n / c) for t, c in df.items()}
    cap = max(50, int(len(keys) ** 0.5))

    def overlap(a: frozenset[str], b: frozenset[str]) -> float:
        total = sum(idf[t] for t in a) + sum(idf[t] for t in b)
        return 2 * sum(idf[t] for t in a & b) / total if total else 0.0

    leaders: dict[str, list[int]] = defaultdict(list)  # token -> leader indices
    groups: dict[int, list[int]] = {}
    for i in sorted(range(len(keys)), key=lambda i: (-counts[i], keys[i])):
        toks = token_sets[i]
        ranked = sorted(toks, key=lambda t: df[t])
        rare = [t for t in ranked if df[t] <= cap] or ranked[:1]
        shared: Counter[int] = Counter()
        for tok in rare:
            shared.update(leaders[tok][: cap * 4])
        best, best_score = None, threshold
        for j, _ in shared.most_common(NEIGHBOURS):
            s = score_keys(keys[i], keys[j], overlap(toks, token_sets[j]))
            if s >= best_score:
                best, best_score = j, s
        if best is None:
            groups[i] = [i]
            for tok in toks:
                leaders[tok].append(i)
        else:
            groups[best].append(i)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])
