"""Background jobs of the roster imports (registry/jobs.py): a town or district roster file that is large
(``JOB_THRESHOLD_BYTES``) is checked and applied by a job instead of inside the request, with progress.

Each job is an entry point like a CLI command: it owns its transaction (commit once, or roll back) and
writes the same audit events as the request would, as the user who started it."""
from __future__ import annotations

from dataclasses import asdict

from flask import Flask
from sqlalchemy import select

from registry.extensions import db
from registry.models import Area, User
from registry.services.errors import DomainError
from registry.services.roster.area_import import import_area_roster
from registry.services.roster.importer import ImportReport, read_limits, refused_because
from registry.services.uploads import discard_upload, load_upload, upload_folder

AREA_IMPORT = "area_import"


def report_of(result: dict) -> ImportReport:
    """The ImportReport a finished job stored (its fields as JSON)."""
    return ImportReport(**result["report"])


def run_area_import(app: Flask, job: dict, progress) -> dict:
    """Check (``dry_run``) or apply a stored town/district roster upload; see
    :func:`registry.services.roster.area_import.import_area_roster`. Returns ``{"report", "committed",
    "partial", "dry_run", "token", "filename"}``. Raises DomainError ``job.upload_missing``."""
    params, code = job["params"], job["area_code"]
    user = db.session.get(User, job["user_id"])
    area = db.session.scalar(select(Area).where(Area.code == code))
    folder = upload_folder(app)
    stored = load_upload(folder, params["token"], user_id=user.id, area_code=code)
    if stored is None:
        raise DomainError("job.upload_missing", "上传的文件已导入或已过期，请重新上传")
    data, filename = stored
    limits = read_limits(app.config)

    def run(**kw) -> ImportReport:
        return import_area_roster(db.session, data, area, actor=user, filename=filename, **limits, **kw)

    dry_run, partial = bool(params.get("dry_run")), bool(params.get("partial"))
    report = run(dry_run=dry_run, partial=True if dry_run else partial, progress=progress)
    committed = report.committed
    if committed:
        db.session.commit()
        discard_upload(folder, params["token"])
    else:
        db.session.rollback()
        if not dry_run:  # refused: the preview as it stands now, plus why (as the request does)
            fresh = run(dry_run=True, partial=True)
            db.session.rollback()
            report = refused_because(fresh, report)
    return {"report": asdict(report), "committed": committed, "partial": partial, "dry_run": dry_run,
            "token": params["token"], "filename": filename}
