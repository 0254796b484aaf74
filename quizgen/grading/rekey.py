"""`grade --rekey BANKS`: score the printed sheets with a corrected key.

When the report says "key may be wrong" and the bank is fixed, the fixed bank makes a
new quiz (a new quiz id) whose sheets were never printed. Re-keying keeps the layout's
quiz id, versions, numbers and letters (so this week's scans are still accepted) and
takes from the banks only what the key says: which printed choice is right (found by its
text, since each version shuffles the letters), true or false, a number and its
tolerance, and the key text of a written answer. A question the banks do not have keeps
its key; a corrected answer that is not one of the printed choices is an error, since the
pupils never saw it.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from quizgen.bank.model import Choice, Multi, Numeric, Question, TrueFalse
from quizgen.errors import QuizgenError

Json = dict[str, Any]


class RekeyError(QuizgenError):
    """The banks cannot re-key these sheets."""


def _new_key(q: Json, bank_q: Question) -> Any:
    """The layout answer of `q` by the bank question's key, or raise when it cannot be printed."""
    choices: dict[str, str] = q.get("choices", {})
    letter_of = {text: letter for letter, text in choices.items()}
    if isinstance(bank_q, Choice):
        if bank_q.answer not in letter_of:
            raise RekeyError(
                f"{q['id']}: the corrected answer \u201c{bank_q.answer}\u201d is not one of the choices "
                "printed on the sheets"
            )
        return letter_of[bank_q.answer]
    if isinstance(bank_q, Multi):
        missing = [a for a in bank_q.answers if a not in letter_of]
        if missing:
            raise RekeyError(
                f"{q['id']}: the corrected answer \u201c{missing[0]}\u201d is not one of the choices "
                "printed on the sheets"
            )
        return [letter for letter, text in choices.items() if text in bank_q.answers]
    if isinstance(bank_q, TrueFalse):
        return "T" if bank_q.answer else "F"
    if isinstance(bank_q, Numeric):
        return bank_q.answer
    return q.get("answer")


def rekey_layout(layout: Json, banks: Sequence[Path]) -> tuple[Json, list[str]]:
    """A copy of `layout` with the banks' keys, and a line for each key that changed."""
    from quizgen.bank.check import load

    checked = load(list(banks))
    if not checked.ok:
        shown = [d.format_text() for d in checked.diagnostics[:5]]
        raise RekeyError("--rekey: the banks have errors; run `quizgen check` on them\n" + "\n".join(shown))
    by_id = {f"{b.id}/{q.id}": q for b in checked.banks for q in b.questions}
    out = copy.deepcopy(layout)
    changes: list[str] = []
    errors: list[str] = []
    for v in out["versions"]:
        for q in v["questions"]:
            bank_q = by_id.get(q["id"])
            if bank_q is None or bank_q.kind != q["kind"]:
                continue
            try:
                answer = _new_key(q, bank_q)
            except RekeyError as exc:
                errors.append(str(exc))
                continue
            tolerance = bank_q.tolerance if isinstance(bank_q, Numeric) else q.get("tolerance")
            if answer != q.get("answer") or tolerance != q.get("tolerance"):
                changes.append(
                    f"version {v['version']} question {q['number']} ({q['id']}): key {_shown(q)} is now "
                    f"{_shown(q | {'answer': answer, 'tolerance': tolerance})}"
                )
                q["answer"] = answer
                if isinstance(bank_q, Numeric):
                    q["tolerance"] = tolerance
                    q["key"] = _shown(q)
    if errors:
        raise RekeyError("\n".join(dict.fromkeys(errors)))
    return out, changes


def _shown(q: Json) -> str:
    answer = q.get("answer")
    if q["kind"] == "numeric":
        tol = q.get("tolerance") or 0
        return f"{answer:g}" + (f" \u00b1 {tol:g}" if tol else "")
    if isinstance(answer, list):
        return ", ".join(answer)
    return str(answer)
