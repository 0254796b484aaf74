"""The source: banks read from YAML, checked, and held as the model every writer takes.

`spec` is the format as one table; `read` (with `nodes`, `values` and `slices`) turns
files into the model (`model`); `check` finds every problem, through the families of
checks registered in `registry` (`questions`, `limits`, `banks`, `provenance`, `lint`);
`text` parses emphasis and cloze; `schema` is the format as JSON Schema. Nothing here
imports a writer.
"""

from quizgen.bank.check import Checked, load

__all__ = ["Checked", "load"]
