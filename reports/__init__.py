"""Documents (HTML/PDF), memos and sign-off, publication, and the portal's pages."""
