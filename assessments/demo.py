"""Demo scores for the demo organisation (filled in by the analysis work)."""


def load_scores_demo() -> str:
    return ""
