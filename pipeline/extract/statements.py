"""Split an article into blocks and keep those that make statements, and short headings.

Bullet lists that are not sentences make no claims, so they are never parsed.
Short headings make no claims either, but they say what the section under them
is about ("Gabapentin", then "This drug is effective for nerve pain"), so they
are kept as ``heading`` blocks for the anaphora. A block is one line of the text.

>>> [(b.text, b.heading) for b in statement_blocks("Kratom and Sleep\\nKratom may improve sleep.\\n- Dosage tips\\n- Caffeine blocks adenosine receptors.")]
[('Kratom and Sleep', True), ('Kratom may improve sleep.', False), ('Caffeine blocks adenosine receptors.', False)]
>>> [(b.text, b.list_item) for b in statement_blocks("- Caffeine raises heart rate")]
[('Caffeine raises heart rate', True)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BULLET = re.compile(r"^\s*(?:[-*•·▪‣]|\d{1,3}[.)])\s+")
_SENTENCE_END = re.compile(r"[.!?:;][\"'’”)\]]*\s*$")
_MIN_WORDS_WITHOUT_FULL_STOP = 12
_MAX_HEADING_WORDS = 6


@dataclass(frozen=True)
class Block:
    """A statement-bearing piece of article text and where it starts.

    ``list_item`` blocks (bullets without a full stop) count only where the
    parse shows a clause with a subject and a finite verb.
    """

    text: str
    start: int
    heading: bool = False
    bulleted: bool = False  # behind a bullet or number, sentence or not ("5. It can improve sleep.")

    @property
    def list_item(self) -> bool:
        """A bullet that is not written as a sentence ("- Caffeine raises heart rate")."""
        return self.bulleted and not is_statement(self.text)


def is_statement(line: str) -> bool:
    """A line makes statements if it ends like a sentence or is long enough to be prose."""
    words = line.split()
    if len(words) < 3:
        return False
    return bool(_SENTENCE_END.search(line)) or len(words) >= _MIN_WORDS_WITHOUT_FULL_STOP


def statement_blocks(text: str) -> list[Block]:
    """The lines of ``text`` that may be statements, bullet markers removed, with their offsets."""
    blocks = []
    offset = 0
    for line in text.split("\n"):
        start = offset
        offset += len(line) + 1
        marker = _BULLET.match(line)
        if marker:
            start += marker.end()
            line = line[marker.end():]
        stripped = line.rstrip()
        leading = len(stripped) - len(stripped.lstrip())
        stripped = stripped.lstrip()
        if stripped and is_statement(stripped):
            blocks.append(Block(stripped, start + leading, bulleted=bool(marker)))
        elif stripped and marker and len(stripped.split()) >= 3:
            blocks.append(Block(stripped, start + leading, bulleted=True))
        elif stripped and not marker and len(stripped.split()) <= _MAX_HEADING_WORDS and not stripped.endswith("?"):
            blocks.append(Block(stripped, start + leading, heading=True))
    return blocks


FINITE_TAGS = frozenset({"VBZ", "VBP", "VBD", "MD"})
WH_WORDS = frozenset({"what", "why", "how", "where", "when", "which", "who"})


def is_clause(sentence) -> bool:
    """A parsed list item states something: a finite verb with a subject, not a wh-phrase or question."""
    first = sentence[0].lower_
    if first in WH_WORDS or sentence.text.rstrip().endswith("?"):
        return False
    for token in sentence:
        if token.tag_ in FINITE_TAGS and (token.dep_ in ("ROOT", "aux", "auxpass") or token.head.dep_ == "ROOT"):
            verb = token if token.pos_ == "VERB" or token.dep_ == "ROOT" else token.head
            if any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
                return True
    return False
