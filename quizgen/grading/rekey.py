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
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from quizgen.bank.model import Bank, Choice, Multi, Numeric, Question, TrueFalse
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


def rekey_layout(layout: Json, banks: Sequence[Bank]) -> tuple[Json, list[str]]:
    """A copy of `layout` with the keys of `banks` (read and checked by the caller: grading
    reads no banks), and a line for each key that changed."""
    by_id = {f"{b.id}/{q.id}": q for b in banks for q in b.questions}
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


def override_layout(layout: Json, path: Path) -> tuple[Json, list[str]]:
    """A copy of `layout` with the keys of a key file (`--key FILE`), and a line per change.

    The file is a CSV with the columns `question` (`<bank>/<id>`) and `key`: the right
    choice's text (several, for a select-all question, separated by `;`), `true` or
    `false`, or a number (with an optional `tolerance` column). Texts, not letters, since
    each version has its own letters.
    """
    import csv
    import io

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RekeyError(
            f"{path}: cannot read the key file: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    if not {"question", "key"} <= set(reader.fieldnames or []):
        raise RekeyError(f"{path}:1: a key file has the columns question and key (and tolerance for numbers)")
    out = copy.deepcopy(layout)
    by_id: dict[str, list[tuple[str, Json]]] = {}
    for v in out["versions"]:
        for q in v["questions"]:
            by_id.setdefault(q["id"], []).append((v["version"], q))
    changes: list[str] = []
    errors: list[str] = []
    for row in reader:
        where = f"{path}:{reader.line_num}"
        qid, key = (row.get("question") or "").strip(), (row.get("key") or "").strip()
        if qid not in by_id:
            errors.append(f"{where}: no question {qid!r} on these sheets")
            continue
        for version, q in by_id[qid]:
            try:
                answer, tolerance = _key_of(q, key, (row.get("tolerance") or "").strip())
            except RekeyError as exc:
                errors.append(f"{where}: {exc}")
                break
            if answer != q.get("answer") or (tolerance is not None and tolerance != q.get("tolerance")):
                new = q | {
                    "answer": answer,
                    "tolerance": tolerance if tolerance is not None else q.get("tolerance"),
                }
                changes.append(
                    f"version {version} question {q['number']} ({qid}): key {_shown(q)} is now {_shown(new)}"
                )
                q.update(answer=new["answer"])
                if q["kind"] == "numeric":
                    q.update(tolerance=new["tolerance"], key=_shown(new))
    if errors:
        raise RekeyError("\n".join(errors))
    return out, changes


def _key_of(q: Json, key: str, tolerance: str) -> tuple[Any, float | None]:
    """The layout answer a key file's text gives question `q` (and a new tolerance, if any)."""
    kind = q["kind"]
    if kind in ("choice", "multi"):
        letter_of = {text.casefold(): letter for letter, text in q.get("choices", {}).items()}
        texts = [t.strip() for t in key.split(";")] if kind == "multi" else [key]
        missing = [t for t in texts if t.casefold() not in letter_of]
        if missing or not texts:
            shown = missing[0] if missing else key
            raise RekeyError(f"\u201c{shown}\u201d is not one of the choices printed for {q['id']}")
        letters = [letter_of[t.casefold()] for t in texts]
        return (letters[0] if kind == "choice" else [x for x in q["choices"] if x in letters]), None
    if kind == "truefalse":
        answer = {"true": "T", "t": "T", "false": "F", "f": "F"}.get(key.casefold())
        if answer is None:
            raise RekeyError(f"the key of {q['id']} is true or false, not {key!r}")
        return answer, None
    if kind == "numeric":
        try:
            number, tol = float(key), float(tolerance) if tolerance else None
        except ValueError:
            raise RekeyError(f"the key of {q['id']} is a number, not {key!r}") from None
        if not math.isfinite(number) or (tol is not None and not (math.isfinite(tol) and tol >= 0)):
            raise RekeyError(f"the key of {q['id']} is a finite number (and tolerance), not {key!r}")
        return number, tol
    raise RekeyError(f"{q['id']} is scored by the teacher ({kind}): it has no key to change")
