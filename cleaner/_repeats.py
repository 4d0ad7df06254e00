"""The article printed twice: a later copy of a block of body paragraphs is not body.

Pages carry their text twice (a print or AMP copy, a tab or an accordion holding the
same sections, a slider repeating its slides), and a scraper saves both. The body
keeps the first copy. Only blocks of real size count: a short line or a caption that
recurs (a recipe step, "Warm up: 10 minutes", a webcam credit) may be body each time.
"""

from __future__ import annotations

# A repeated block is dropped when it holds at least this many words...
MIN_REPEAT_WORDS = 100
# ...looked for among at most this many earlier copies of its first paragraph (bounds the
# work on a text repeating one line thousands of times).
MAX_EARLIER_COPIES = 8


def repeated_blocks(paragraphs: list[str]) -> set[int]:
    """Indices of the paragraphs that repeat, in the same order, an earlier block of
    MIN_REPEAT_WORDS words or more (the later copy; the earlier one stays)."""
    if len(set(paragraphs)) == len(paragraphs):  # no paragraph repeats (most texts): one pass in C
        return set()
    seen: dict[str, list[int]] = {}  # paragraph -> where it stood, kept or dropped
    drop: set[int] = set()
    i, n = 0, len(paragraphs)
    while i < n:
        earlier = seen.get(paragraphs[i])
        if earlier is None:  # most paragraphs are new
            seen[paragraphs[i]] = [i]
            i += 1
            continue
        size = 0
        for e in earlier[-MAX_EARLIER_COPIES:]:
            k = 1  # the copy may not reach into itself: e + k < i
            while i + k < n and e + k < i and paragraphs[e + k] == paragraphs[i + k]:
                k += 1
            size = max(size, k)
        block = range(i, i + size)
        if sum(len(paragraphs[j].split()) for j in block) < MIN_REPEAT_WORDS:
            block = range(i, i + 1)
        else:
            drop.update(block)
        for j in block:
            seen.setdefault(paragraphs[j], []).append(j)
        i = block.stop
    return drop
