"""The engine's error: a document that cannot be rendered (its message is Thai)."""


class DocumentError(Exception):
    """A document cannot be rendered with the given input (message in Thai)."""
