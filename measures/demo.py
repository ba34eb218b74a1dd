"""Demo measures and progress for the demo organisation (filled in by the measures issue)."""


def load_measures_demo() -> str:
    return ""
