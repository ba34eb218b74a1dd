"""Document, memo and publication models arrive with the document and memo issues."""
