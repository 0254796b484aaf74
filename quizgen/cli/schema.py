"""`quizgen schema`: the JSON Schema of the bank format, for editors' YAML language servers."""

from __future__ import annotations

from quizgen.cli.common import say
from quizgen.cli.root import Command, app


@app.command(cls=Command, short_help="Print the JSON Schema of the bank format.")
def schema() -> None:
    """Print the JSON Schema of the bank format (for editors' YAML language servers).

    Example: quizgen schema > bank.schema.json
    """
    import json

    from quizgen.bank.schema import bank_schema

    say(json.dumps(bank_schema(), indent=2))
