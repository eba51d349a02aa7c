"""Business rules as plain functions ``(session, ..., *, actor) -> objects``.

Services flush; the caller (request handler or CLI command) commits once. They never import
``flask.request``, ``flash`` or ``current_user``: the actor and settings are passed in."""
