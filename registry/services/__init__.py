"""Business rules as plain functions ``(session, ..., *, actor) -> objects``.

Services flush; the caller (request handler or CLI command) commits once. They never import
Flask's request object, flashing or the logged-in user: the actor and settings are passed in."""
