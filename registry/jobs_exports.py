"""Background jobs of the large exports (registry/jobs.py, issue 13 item 4): a roster export (filed or
current) or a land register export of more than ``EXPORT_JOB_ROWS`` rows (default 2,000) is written by a
job, with progress, instead of inside the request; smaller ones stay synchronous.

The job writes the same file and the same audit event as the request would, as the user who started it,
in one transaction; the file is kept next to the job's state file (``<instance>/jobs/<id>.xlsx``, mode
0600) and downloaded by its starter only (``exports.job_download``)."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from registry.extensions import db
from registry.jobs import JobQueue
from registry.models import User
from registry.services.areas import area_by_code
from registry.services.errors import DomainError
from registry.services.exports import export_roster
from registry.services.land.export import export_land

__all__ = ["EXPORT_ROSTER", "EXPORT_LAND", "EXPORT_KINDS", "DEFAULT_THRESHOLD", "export_path", "run_export"]

EXPORT_ROSTER = "export_roster"
EXPORT_LAND = "export_land"
EXPORT_KINDS = (EXPORT_ROSTER, EXPORT_LAND)
#: Rows above which an export runs as a job (app config ``EXPORT_JOB_ROWS``).
DEFAULT_THRESHOLD = 2000


def export_path(app: Flask, job_id: str) -> Path:
    """Where a finished export job keeps its file (``job_id`` as checked by ``JobQueue.get``)."""
    return JobQueue.folder(app) / f"{job_id}.xlsx"


def run_export(app: Flask, job: dict, progress) -> dict:
    """Write the export a job was started for; returns ``{"filename", "rows"}``. Raises DomainError
    ``job.area_missing`` when the area no longer exists."""
    params, total = job["params"], job["params"]["total"]
    user = db.session.get(User, job["user_id"])
    area = area_by_code(db.session, job["area_code"])
    if area is None:
        raise DomainError("job.area_missing", "区域不存在")

    def step(done: int) -> None:
        progress("export", done, total)

    step(0)
    try:
        if job["kind"] == EXPORT_ROSTER:
            result = export_roster(db.session, area, actor=user, filed_only=params["filed_only"],
                                   mask_ids=params["mask_ids"], progress=step)
        else:
            result = export_land(db.session, area, actor=user, progress=step)
        path = export_path(app, job["id"])
        tmp = path.with_suffix(".xlsx.tmp")
        tmp.write_bytes(result.data)
        os.chmod(tmp, 0o600)
        tmp.replace(path)
        db.session.commit()  # the audit event of the export
    except Exception:
        db.session.rollback()
        raise
    step(result.rows)
    return {"filename": result.filename, "rows": result.rows}
