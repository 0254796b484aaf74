"""A bank for the grading tests: every kind a sheet carries, several of each bubble kind."""

from __future__ import annotations

from pathlib import Path

CHOICES = [
    ("capital", "Which city is the capital of Belarus?", ["Minsk", "Gomel", "Brest", "Grodno"]),
    ("river", "Which river flows through Kyiv?", ["Dnipro", "Danube", "Volga", "Neman"]),
    ("sea", "Which sea borders Ukraine to the south?", ["Black Sea", "Baltic Sea", "White Sea"]),
    ("year", "In which year did the full-scale invasion begin?", ["2022", "2014", "2020", "2019", "2023"]),
    ("border", "Which country borders Belarus to the west?", ["Poland", "Spain", "Italy", "Ireland"]),
    ("currency", "What is the currency of Ukraine?", ["Hryvnia", "Rouble", "Zloty", "Euro"]),
    ("lake", "Which is the largest lake in Belarus?", ["Narach", "Ladoga", "Onega", "Balaton"]),
    ("region", "Which region borders Ukraine in the south of Belarus?", ["Gomel", "Vitebsk", "Grodno"]),
    ("alliance", "Which alliance has Poland been a member of since 1999?", ["NATO", "CSTO", "ASEAN", "OPEC"]),
    ("script", "Which alphabet does Belarusian use?", ["Cyrillic", "Greek", "Latin", "Georgian"]),
]
MULTIS = [
    ("neighbours", "Which of these border Belarus?", ["Ukraine", "Lithuania", "Hungary", "Romania"], [0, 1]),
    (
        "nato",
        "Which of these are NATO members?",
        ["Poland", "Latvia", "Belarus", "Moldova", "Serbia"],
        [0, 1],
    ),
]
TRUEFALSE = [
    ("minsk-capital", "Minsk is the capital of Belarus.", True),
    ("kyiv-sea", "Kyiv lies on the coast of the Black Sea.", False),
    ("belarus-eu", "Belarus is a member of the European Union.", False),
]


def write(folder: Path) -> Path:
    lines = [
        "bank: grading",
        "title: Grading test",
        "questions:",
    ]
    for qid, prompt, choices in CHOICES:
        lines += [
            f"  - id: {qid}",
            "    type: choice",
            f"    prompt: {prompt}",
            f"    choices: [{', '.join(repr(c) for c in choices)}]",
            f"    answer: {choices[0]!r}",
        ]
    for qid, prompt, choices, keys in MULTIS:
        lines += [
            f"  - id: {qid}",
            "    type: multi",
            f"    prompt: {prompt}",
            f"    choices: [{', '.join(repr(c) for c in choices)}]",
            f"    answer: [{', '.join(repr(choices[k]) for k in keys)}]",
            "    points: 2",
        ]
    for qid, prompt, answer in TRUEFALSE:
        lines += [
            f"  - id: {qid}",
            "    type: truefalse",
            f"    prompt: {prompt}",
            f"    answer: {str(answer).lower()}",
        ]
    lines += [
        "  - id: population",
        "    type: numeric",
        "    prompt: How many million people live in Belarus (roughly)?",
        "    answer: 9.2",
        "    tolerance: 0.3",
        "  - id: exile",
        "    type: short",
        "    prompt: In which country does Tsikhanouskaya live in exile?",
        "    answer: Lithuania",
        "    points: 2",
        "  - id: essay",
        "    type: open",
        "    prompt: Why might Lukashenko avoid sending troops?",
        "    points: 3",
    ]
    path = folder / "grading.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
