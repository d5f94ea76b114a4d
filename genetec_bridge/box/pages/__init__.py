"""One module per page or route group of the box, each with `register(app)` (see server.PAGE_MODULES)."""
