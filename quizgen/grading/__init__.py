"""Answer sheets, their layout, reading scanned sheets, scores and item analysis."""
