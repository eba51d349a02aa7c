"""Every blueprint of the app, registered by the application factory (:mod:`registry.app`)."""
from __future__ import annotations

from flask import Flask

from registry.views import (
    BoundedIntConverter,
    area_imports,
    assembly,
    audit,
    auth,
    calendar,
    charter,
    dashboard,
    disputes,
    dividends,
    equality_report,
    exports,
    filing_officers,  # noqa: F401  (the town/district routes of the filings blueprint)
    filing_review,
    filings,
    grants,
    history,
    homestead_imports,
    homesteads,
    households,
    hukou_feed,
    imports,
    jobs,
    land,
    main,
    member_search,
    members,
    roster,
    shares,
    statements,
    users,
)


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter  # before any rule is added
    for module in (auth, main, roster, imports, area_imports, filings, exports, members, households,
                   filing_review, grants, disputes, history, member_search):
        app.register_blueprint(module.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(charter.bp)  # issue 16: the collective's charter settings
    app.register_blueprint(homesteads.bp)  # issue 15: the homestead register
    app.register_blueprint(homestead_imports.bp)
    app.register_blueprint(land.bp)  # issue 15: the land contract register
    app.register_blueprint(assembly.bp)  # issue 14: the member assembly
    app.register_blueprint(equality_report.bp)  # issue 14: W-07 report
    app.register_blueprint(calendar.bp)  # issue 13: the administrator's holiday calendar
    app.register_blueprint(users.bp)  # issue 13: user administration, own password
    app.register_blueprint(jobs.bp)  # issue 13: progress of background jobs
    app.register_blueprint(shares.bp)  # issue 16: share register
    app.register_blueprint(dividends.bp)  # issue 16: dividend rounds
    app.register_blueprint(statements.bp)  # issue 12: rights statement and /verify
    app.register_blueprint(dashboard.bp)  # issue 12: the officers' dashboard and its drill-down lists
    app.register_blueprint(hukou_feed.bp)  # issue 12: the police's hukou change feed and the clerk's hints
