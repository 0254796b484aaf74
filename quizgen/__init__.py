"""quizgen: one YAML source for Anki decks and printable quizzes.

The pipeline is read -> check -> select -> write; see `quizgen.bank.check.load` for the
entry point a program would call, and `quizgen.cli` for the command line.
"""

__version__ = "0.1.0"
