"""Tests of the checker, one file per family of checks, and the corpus of broken banks."""
