"""quizgen's benchmark (`python bench/run.py`); not part of the installed package."""
