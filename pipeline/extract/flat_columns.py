"""Column assignment in a flattened row: a best-path search (Viterbi) that keeps the column order and
scores how each fragment begins and how lines wrap; agency names completed across fragments."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pipeline.extract.flat_fragments import ROLE_KIND, Chunk, Ctx, context, free_role, join_parts, starts_as
from pipeline.model import Row
from pipeline.normalize.agencies import completion_length, is_name_head, lookup_agency
from pipeline.settings import SETTINGS

_TYPED_KINDS = frozenset(ROLE_KIND.values())
_OWN_START = {"unit", "kpi"}  # roles with a start rule of their own (see Scorer.start)


def _too_wide(span: int, line_len: int, width: float | None, free_line: bool) -> bool:
    """Does text `span` characters long overrun a column `width` wide? Not decidable on a line of free
    text only (no agency, deadline, target) far wider than the column: a reader joined the cell's
    wrapped lines into it. A wide line with typed cells holds several columns, so the width does tell."""
    f = SETTINGS.flat
    if width is None or span <= f.width_tolerance * width + 2:
        return False
    return not (free_line and line_len > f.joined_line * width)


@dataclass
class Scorer:
    roles: list[str]
    ocr: bool
    late_width: float = float("inf")
    restart: int | None = None
    widths: dict[int, float] = field(default_factory=dict)  # widest wrapped line per column
    # per chunk id (the Ctx keeps the chunk alive): context, start and continuation scores
    _memo: dict[int, tuple[Ctx, list[float], list[float]]] = field(default_factory=dict)
    _skips: list[list[float]] | None = None

    def __post_init__(self) -> None:
        kinds = [ROLE_KIND.get(r) for r in self.roles]
        self._start_keys = [(kind, r in _OWN_START) for kind, r in zip(kinds, self.roles, strict=True)]
        self._cont_keys = kinds

    def start(self, role: str, x: Ctx) -> float:
        c = x.chunk
        s = SETTINGS.start
        low = x.lower and not self.ocr
        kind = ROLE_KIND.get(role)
        if kind:
            ok = kind in x.rest_kinds
            score = s.typed_match if ok else (s.agency_unknown if kind == "agency" and not low else s.typed_mismatch)
            if role == "unit" and len(c.text) > s.unit_max_len:
                score += s.unit_too_long
            return score + (s.typed_lower if low and not ok else 0.0)
        score = 0.0
        if c.line_start and c.blank_before:
            score += s.blank_line_start
        if x.after_sentence:
            score += s.after_sentence
        if not c.line_start:
            score += s.mid_line + (s.weak_split if c.weak else 0.0)
        if low:
            score += s.free_lower
        if role == "kpi" and "target" in x.rest_kinds:
            score += s.kpi_target
        if "agency" in x.rest_kinds or "deadline" in x.rest_kinds:
            score += s.free_typed
        return score

    def cont(self, role: str, x: Ctx) -> float:
        c = x.chunk
        kind = ROLE_KIND.get(role)
        if not c.line_start:
            if kind in ("unit", "target", "deadline") and "agency" in x.rest_kinds:
                return -1.5  # '100% Văn phòng': the agency begins on the target's line
            if kind and kind not in x.rest_kinds and x.rest_kinds:
                return -1.0  # 'công chức chuyên môn Năm 2026': the deadline begins where it reads so
            return 0.0
        wraps = x.lower or x.joiner or c.text[:1].isdigit()
        # agency names wrap at capitalised words ('Văn phòng' / 'HĐND và UBND')
        score = 0.2 if wraps else -0.2 if kind == "agency" else -0.7
        if c.blank_before:
            score -= 0.4
        if kind and kind != "agency" and kind not in x.text_kinds and x.text_kinds - {kind}:
            score -= 1.5
        if kind == "unit":
            score -= 0.3 if len(c.text) <= 12 else 3
        elif kind == "target" and len(c.text) > 30:
            score -= 1
        elif kind == "deadline" and len(c.text) > 25:
            score -= 1.5
        return score  # minus 1 in assign() for a line as wide as the first column's

    def skip(self, a: int, b: int) -> float:
        """Penalty for leaving the roles strictly between columns a and b empty."""
        return sum(SETTINGS.flat.skip.get(r, SETTINGS.flat.free_skip) for r in self.roles[a + 1 : b])

    def _scores(self, chunks: list[Chunk], k: int) -> tuple[Ctx, list[float], list[float]]:
        """The fragment's context, column start scores and continuation scores before the late-width
        term: they do not use the widths, so the second pass reuses them."""
        key = id(chunks[k])
        if key not in self._memo:
            x = context(chunks, k, self.ocr)
            starts: dict[tuple, float] = {}  # columns of the same kind score alike ('lead' and 'coord')
            conts: dict[str | None, float] = {}
            for role in self.roles:
                kind = ROLE_KIND.get(role)
                if (kind, role in _OWN_START) not in starts:
                    starts[kind, role in _OWN_START] = self.start(role, x)
                if kind not in conts:
                    conts[kind] = self.cont(role, x)
            self._memo[key] = (x, [starts[k2] for k2 in self._start_keys], [conts[k2] for k2 in self._cont_keys])
        return self._memo[key]

    @staticmethod
    def _wrap_widths(
        prev: Chunk, c: Chunk, x: Ctx, conts: list[float], widths, per_line, free_lines=frozenset()
    ) -> list[float]:
        """How lines wrap within a column of known width.

        A capitalised line after a full line of the column continues it when its first word would
        not have fitted on that line ('… của tỉnh' / 'Đồng Nai trên địa bàn xã'); two fragments of a
        line that together run past the column's width are not both that column's ('tỉnh trên địa
        bàn xã Văn bản triển khai' in a narrow column).
        """
        adjust = [0.0] * len(conts)
        if c.line_start:
            if c.blank_before or x.lower or x.joiner or not prev.line_start or per_line[prev.line] != 1:
                return conts
            first = len(c.text.split()[0])
            adjust = [0.9 if w is not None and prev.last_len + 1 + first > w else 0.0 for w in widths]
        elif (prev.line, prev.printed_end) == (c.line, c.printed_end):  # both fragments on one printed line
            end = c.offset + len(c.text)
            span = (end if c.printed_end is None else min(end, c.printed_end)) - prev.offset
            free = c.line in free_lines
            adjust = [-1.5 if _too_wide(span, c.line_len, w, free) else 0.0 for w in widths]
        return [v + a if a else v for v, a in zip(conts, adjust, strict=True)]

    def assign(self, chunks: list[Chunk]) -> None:
        """Sets chunk.col / chunk.sub along the best path."""
        n, m = len(chunks), len(self.roles)
        per_line: dict[int, int] = defaultdict(int)
        typed_lines = set()  # lines with a fragment that begins as an agency, deadline, target or unit
        # per line, how wide its first printed line is before a typed fragment after the first begins: a
        # coordinating agency's last line with the deadline beside it is not as wide as a name's lines
        free_width: dict[int, int] = {}
        first = chunks[0]
        for c in chunks:
            per_line[c.line] += 1
            if c.line_start or c is first:
                free_width[c.line], first = c.line_len, c
            if any(starts_as(kind, c.text, self.ocr) for kind in _TYPED_KINDS):
                typed_lines.add(c.line)
                if c is not first and c.line == first.line and c.printed_end == first.printed_end:
                    free_width[c.line] = min(free_width[c.line], c.offset - first.offset)
        free_lines = set(per_line) - typed_lines
        if self._skips is None:
            self._skips = [[self.skip(a, b) for b in range(m + 1)] for a in range(m + 1)]
        skips = self._skips
        into = [[skips[p][s] for p in range(s)] for s in range(m)]  # skip penalties into column s from p < s
        # columns after which the cells' tails may be read late (agency, deadline)
        late_from = [ROLE_KIND.get(r) in ("agency", "deadline") for r in self.roles]
        typed = [r in ROLE_KIND for r in self.roles]
        widths = [self.widths.get(col) for col in range(m)]
        no_fit = [0.0] * m
        neg = float("-inf")
        # late states, after the m column states: tails of free-text cells read after the row's typed cells
        late_cols = [0, *(s for s in range(1, m) if free_role(self.roles[s]))]
        states = m + len(late_cols)
        score = [[neg] * states for _ in range(n)]
        back: list[list[tuple[int, str]]] = [[(-1, "")] * states for _ in range(n)]
        score[0][0] = 0.0
        restart = self.restart if self.restart is not None else -1
        for k in range(1, n):
            c = chunks[k]
            prev_row = score[k - 1]
            x, starts, conts = self._scores(chunks, k)
            # typed columns are narrow: a line as wide as the first column's wraps that column
            wide = c.line_start and free_width[c.line] >= self.late_width
            if wide:
                conts = [v - 1.0 if t else v for v, t in zip(conts, typed, strict=True)]
            fits = no_fit
            if c.line_start and per_line[c.line] == 1:  # a whole line wider than a column's usual lines
                fits = [-1.5 if _too_wide(c.line_len, c.line_len, w, c.line in free_lines) else 0.0 for w in widths]
            if self.widths:
                conts = self._wrap_widths(chunks[k - 1], c, x, conts, widths, per_line, free_lines)
            late_ok = wide and x.lower
            # transitions into column s, tried in order of the previous column p (the first best wins):
            # p < s starts column s, p == s continues it, p > s starts a sub-row (restart column only)
            # (an unreachable previous column scores -inf and never wins: no test needed)
            row_score, row_back = score[k], back[k]
            for s in range(m):
                best, bp, bkind = neg, -1, ""
                start = starts[s]
                for p, (base, sk) in enumerate(zip(prev_row[:s], into[s], strict=True)):
                    if (v := base + sk + start) > best:
                        best, bp, bkind = v, p, "new"
                if (v := prev_row[s] + conts[s]) > best:
                    best, bp, bkind = v, s, "cont"
                if s == restart and c.line_start:
                    for p in range(max(s + 1, m - 2), m):
                        if (v := prev_row[p] + skips[p][m] + start - 1.0) > best:
                            best, bp, bkind = v, p, "sub"
                    for p in range(m, states):  # after a cell's tail read late, all of the row's cells are read
                        if (v := prev_row[p] + start - 1.0) > best:
                            best, bp, bkind = v, p, "sub"
                row_score[s], row_back[s] = best + fits[s], (bp, bkind)
            late = self._late(prev_row, chunks[k - 1], c, x, late_ok, late_from, late_cols, widths, fits)
            for j, (v, arg) in enumerate(late):
                row_score[m + j], row_back[m + j] = v, arg
        final = max(range(states), key=lambda s: score[n - 1][s] + (skips[s][m] if s < m else 0))
        path = [final]
        kinds = []
        for k in range(n - 1, 0, -1):
            p, kind = back[k][path[-1]]
            kinds.append(kind)
            path.append(p)
        path.reverse()
        kinds.reverse()
        sub = 0
        for k, c in enumerate(chunks):
            if k and kinds[k - 1] == "sub":
                sub += 1
            c.col = late_cols[path[k] - m] if path[k] >= m else path[k]
            c.late = path[k] >= m
            c.sub = sub

    def _late(self, prev_row, prev: Chunk, c: Chunk, x: Ctx, late_ok, late_from, late_cols, widths, fits):
        """(score, back pointer) of each late state at fragment `c`.

        A row's first line may hold the head of every cell, the cells' tails following in column order:
        the first column's tail (a line as wide as that column, lower-case) after the typed cells, then
        the next free column's after a blank line. A tail goes on while its lines are full: a line with
        room for the next word ended its cell.
        """
        f, m, neg = SETTINGS.flat, len(self.roles), float("-inf")
        first = len(c.text.split()[0]) if c.line_start else 0
        out = []
        for j, s in enumerate(late_cols):
            best, arg = neg, (-1, "")
            fit = fits[s] if j else 0.0
            for p, base in enumerate(prev_row):
                if base == neg:
                    continue
                i = p - m
                if p < m:  # from the row's cells read in order
                    if not (late_from[p] and c.line_start and (late_ok if j == 0 else x.lower and c.blank_before)):
                        continue
                    v, kind = base + (f.late_enter if j == 0 else f.late_enter_later) + fit, "late"
                elif i == j:
                    w = widths[late_cols[i]]
                    ended = c.line_start and w is not None and prev.last_len + 1 + first <= w
                    v, kind = base + fit + (f.late_ended if ended and j < len(late_cols) - 1 else 0.0), "cont"
                elif i < j and c.line_start and c.blank_before:
                    v, kind = base + fit + f.late_next + (f.late_after_sentence if x.after_sentence else 0.0), "late"
                else:
                    continue
                if v > best:
                    best, arg = v, (p, kind)
            out.append((best, arg))
        return out


def place_after_break(before: list[Chunk], after: list[Chunk], roles: list[str]) -> None:
    """Text continued after a repeated page-break header goes back to the columns that overflowed.

    The continuations come in column order, one block per overflowing column (blocks
    are split by blank lines or by a cell boundary inside a line); the columns that
    overflowed are those that filled the page, i.e. hold the most lines.
    """
    last_sub = max((c.sub for c in before), default=0)
    lines_of: dict[int, set[int]] = defaultdict(set)
    for c in before:
        if c.sub == last_sub and free_role(roles[c.col]):
            lines_of[c.col].add(c.line)
    blocks: list[list[Chunk]] = []
    for k, c in enumerate(after):
        same_line = k > 0 and c.line == after[k - 1].line
        if not blocks or (c.line_start and c.blank_before) or (same_line and not c.weak):
            blocks.append([])
        blocks[-1].append(c)
    ranked = sorted(lines_of, key=lambda col: (-len(lines_of[col]), -col))
    cols = sorted(ranked[: len(blocks)]) or [0]
    for b, block in enumerate(blocks):
        for c in block:
            c.col, c.sub = cols[min(b, len(cols) - 1)], last_sub


def complete_agencies(chunks: list[Chunk], roles: list[str], ocr: bool) -> list[Chunk]:
    """Second placement: agency names cut by the cell wrap are completed from the lines below.

    A row's first line can hold the start of every cell ('Phòng Văn hóa - Các doanh nghiệp'), the
    continuations following below ('Xã hội viễn thông, Trưởng các ấp'). A cell that ends on the first
    words of a gazetteer name takes the words below that complete it; what follows them on that line
    belongs to the columns to its right.
    """
    agency_cols = [i for i, r in enumerate(roles) if ROLE_KIND.get(r) == "agency"]
    if not agency_cols:
        return chunks
    out: list[Chunk] = []
    for c in chunks:  # an agency cell's fragments on one line read as one ('Phòng' 'Văn hóa - Các doanh nghiệp')
        p = out[-1] if out else None
        if p is not None and c.col in agency_cols and p.col == c.col and p.line == c.line and p.sub == c.sub:
            out[-1] = _piece(p, join_parts([p.text, c.text]), p.col)
        else:
            out.append(c)
    for k, c in enumerate(out):  # a cut name and the next cell's name read as one fragment
        right = [a for a in agency_cols if a > c.col]
        if c.col in agency_cols and right and lookup_agency(c.text) is None:
            words = c.text.split()
            for cut in range(1, len(words)):
                head, rest = " ".join(words[:cut]), " ".join(words[cut:])
                if is_name_head(head, ocr) and starts_as("agency", rest, ocr) and lookup_agency(head) is None:
                    out[k : k + 1] = [_piece(c, head, c.col), _piece(c, rest, right[0], len(head) + 1)]
                    break
    for col in agency_cols:
        mine = [k for k, c in enumerate(out) if c.col == col]
        if not mine or not is_name_head(join_parts([out[k].text for k in mine]), ocr):
            continue
        head, last = join_parts([out[k].text for k in mine]), out[mine[-1]]
        for k in range(mine[-1] + 1, len(out)):
            c = out[k]
            if c.line <= last.line:
                continue
            words = c.text.split()
            n = completion_length(head, words, ocr)
            if not n:
                continue
            rest = " ".join(words[n:])
            pieces = [_piece(c, " ".join(words[:n]), col)]
            if rest:
                pieces.append(
                    _piece(c, rest, _rest_column(head, rest, col, c.col, roles, out, ocr), len(pieces[0].text) + 1)
                )
            out[k : k + 1] = pieces
            moved = pieces[-1]
            for j in range(k + len(pieces), len(out)):  # a list cut after a comma goes on below
                if not moved.text.rstrip().endswith((",", ";", "-", "–")) or out[j].col != c.col:
                    break
                if out[j].line > moved.line and starts_as("agency", out[j].text, ocr):
                    out[j].col = moved.col
                    moved = out[j]
            break
    return out


def _piece(c: Chunk, text: str, col: int, offset: int = 0) -> Chunk:
    return Chunk(text, c.line, c.line_start and not offset, c.blank_before and not offset, c.after_break,
                 c.weak, c.line_len, col, c.sub, c.late, c.offset + offset, c.printed_end, c.last_len)  # fmt: skip


def _rest_column(head: str, rest: str, col: int, own: int, roles: list[str], chunks: list[Chunk], ocr: bool) -> int:
    """Where the text after a completion goes: the next column it begins (or completes), else where it was."""
    for right in range(col + 1, len(roles)):
        kind = ROLE_KIND.get(roles[right])
        if kind == "agency":
            cell = join_parts([c.text for c in chunks if c.col == right])
            if starts_as("agency", rest, ocr) or (cell and completion_length(cell, rest.split(), ocr)):
                return right
        elif kind == "deadline" and starts_as("deadline", rest, ocr):
            return right
    return own


def row_confident(row: Row, roles: list[str], ocr: bool = False) -> bool:
    """Every filled typed cell begins as its column's vocabulary says, and the essentials are there."""
    cells = dict(zip(roles, row.texts()[1:], strict=False))
    if not cells.get(roles[0]):
        return False
    for role, text in cells.items():
        kind = ROLE_KIND.get(role)
        if kind and text and not starts_as(kind, text, ocr):
            return False
    needed = [r for r in roles if r in ("target", "lead", "deadline")]
    return all(cells.get(r) for r in needed if r != "lead" or "target" not in roles or cells.get("target"))
