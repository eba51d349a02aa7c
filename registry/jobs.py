"""Background jobs with progress (issue 13 item 4): long imports run outside the request.

Queue: huey with a SQLite file by default (``JOB_QUEUE_URL`` ``sqlite:///<instance>/jobs/queue.db``; no extra
server), ``redis://…`` in production, ``memory://`` for a process of its own. Workers: the web process
runs one daemon thread that takes jobs off the queue (``JOB_WORKER_THREAD``, on by default), or
``flask --app registry jobs-worker`` runs huey's consumer as a process of its own (then set
``JOB_WORKER_THREAD=False`` in the web processes).

State: one JSON file per job under ``<instance>/jobs/`` (written whole and renamed, so a reader never sees
half a file), so a page reload, another web worker or a restarted server shows the same progress.
``state``: queued → running → done | failed; ``done``/``total`` rows; ``heartbeat`` (UTC seconds) is
renewed on every progress step: a running job whose heartbeat is older than ``JOB_STALE_SECONDS`` has
lost its worker (killed, server restarted) and is reported as failed. A job's work runs in one database
transaction, so a job that dies has written nothing.
"""
from __future__ import annotations

import json
import os
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from huey import MemoryHuey, RedisHuey, SqliteHuey

__all__ = ["JobQueue", "jobs", "Progress"]

#: ``progress(stage, done, total)``: stage "read" (rows read and checked) or "write" (villages written).
Progress = Callable[[str, int, int], None]
_ID_CHARS = set("0123456789abcdef")


class JobQueue:
    """The app's job queue and job files. ``register(kind, fn)``: ``fn(app, job, progress) -> result dict``
    runs inside an app context; raising fails the job with the exception's ``message`` (or its text)."""

    def __init__(self) -> None:
        self.app: Flask | None = None
        self.huey = None
        self._run_task = None
        self.handlers: dict[str, Callable] = {}
        self._worker: threading.Thread | None = None
        self._stop = threading.Event()

    # -- setup -------------------------------------------------------------------------------------
    def init_app(self, app: Flask) -> None:
        # One queue object per process: an app created earlier (a second create_app() in the same process)
        # gives up its worker thread, or it would take the new app's jobs and run them against the old one.
        self.stop_worker()
        self.app = app
        folder = self.folder(app)
        url = app.config.get("JOB_QUEUE_URL") or f"sqlite:///{folder / 'queue.db'}"
        if url.startswith("sqlite:///"):
            folder.mkdir(parents=True, exist_ok=True)
            self.huey = SqliteHuey("registry", filename=url[len("sqlite:///"):], results=False)
        elif url.startswith("redis://"):
            self.huey = RedisHuey("registry", url=url, results=False)
        else:
            self.huey = MemoryHuey("registry", results=False)
        self._run_task = self.huey.task(name="registry.run_job")(self._run)
        app.extensions["jobs"] = self
        if app.config.get("JOB_WORKER_THREAD", True) and not app.config.get("TESTING"):
            self.start_worker()

    def register(self, kind: str, handler: Callable) -> None:
        self.handlers[kind] = handler

    @staticmethod
    def folder(app: Flask) -> Path:
        return Path(app.config.get("JOB_FOLDER") or Path(app.instance_path) / "jobs")

    # -- job files ---------------------------------------------------------------------------------
    def _path(self, job_id: str) -> Path | None:
        if len(job_id) != 32 or not set(job_id) <= _ID_CHARS:
            return None
        return self.folder(self.app) / f"{job_id}.json"

    def get(self, job_id: str) -> dict | None:
        """The job's state, or None for an unknown id. A running job without a recent heartbeat is
        returned as failed (``lost``: its worker stopped)."""
        path = self._path(job_id)
        if path is None or not path.exists():
            return None
        job = json.loads(path.read_text(encoding="utf-8"))
        stale = self.app.config.get("JOB_STALE_SECONDS", 60)
        if job["state"] in ("queued", "running") and time.time() - job["heartbeat"] > stale:
            job.update(state="failed", lost=True)
        return job

    def _write(self, job: dict) -> None:
        path = self._path(job["id"])
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(job, ensure_ascii=False, default=str), encoding="utf-8")
        os.chmod(tmp, 0o600)
        tmp.replace(path)

    def update(self, job_id: str, **fields: Any) -> dict:
        path = self._path(job_id)
        job = json.loads(path.read_text(encoding="utf-8"))
        job.update(fields, heartbeat=time.time())
        self._write(job)
        return job

    def submit(self, kind: str, *, user_id: int, area_code: str, **params: Any) -> str:
        """Create a job file (state queued) and put the job on the queue. Returns the job id."""
        job_id = secrets.token_hex(16)
        now = time.time()
        self._sweep(now)
        self._write({"id": job_id, "kind": kind, "user_id": user_id, "area_code": area_code, "params": params,
                     "state": "queued", "stage": "queued", "done": 0, "total": 0, "created": now,
                     "started": None, "heartbeat": now, "error": None, "result": None})
        self._run_task(job_id)
        return job_id

    def _sweep(self, now: float) -> None:
        """Remove job files (state, export file, leftovers) untouched for ``JOB_MAX_AGE_SECONDS``
        (default a day): exports hold ID numbers and are not kept once their starter had time to
        download them. A running job renews its file on every progress step, so it is never swept."""
        cutoff = now - self.app.config.get("JOB_MAX_AGE_SECONDS", 24 * 3600)
        for path in self.folder(self.app).glob("*"):
            if path.suffix not in (".json", ".xlsx", ".tmp") or path.name.startswith("queue."):
                continue
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:  # another worker swept it first
                pass

    # -- running -----------------------------------------------------------------------------------
    def _run(self, job_id: str) -> None:
        app = self.app
        with app.app_context():
            job = self.update(job_id, state="running", stage="read", started=time.time())
            handler = self.handlers[job["kind"]]

            def progress(stage: str, done: int, total: int) -> None:
                self.update(job_id, stage=stage, done=done, total=total)

            try:
                result = handler(app, job, progress)
            except Exception as exc:  # the job fails with its message; the handler rolled back
                app.logger.exception("job %s failed", job_id)
                self.update(job_id, state="failed", error=getattr(exc, "message", None) or str(exc))
                return
            self.update(job_id, state="done", result=result)

    def run_pending(self) -> int:
        """Run the jobs waiting on the queue in this thread; returns how many ran (tests, the worker)."""
        ran = 0
        while True:
            task = self.huey.dequeue()
            if task is None:
                return ran
            self.huey.execute(task)
            ran += 1

    def start_worker(self, interval: float = 0.5) -> None:
        """One daemon thread in this process that runs queued jobs (see the module docstring)."""
        if self._worker is not None and self._worker.is_alive():
            return

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    if not self.run_pending():
                        self._stop.wait(interval)
                except Exception:  # keep the worker alive; the job file says what failed
                    self.app.logger.exception("job worker")
                    self._stop.wait(interval)

        self._stop.clear()
        self._worker = threading.Thread(target=loop, name="registry-jobs", daemon=True)
        self._worker.start()

    def stop_worker(self) -> None:
        self._stop.set()
        if self._worker is not None:
            self._worker.join(timeout=10)
        self._worker = None


jobs = JobQueue()
