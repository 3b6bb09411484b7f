"""Background jobs: long work (batch PDFs, big exports) as rows with progress and a result file."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import LabelledEnum
from app.extensions import db, enum_type
from app.jobs.registry import Wording, wording_for
from app.regional import SCOPE_ROOT, RegionScoped
from app.timeutil import utcnow


class JobStatus(LabelledEnum):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "处理中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"
    EXPIRED = "expired", "已过期"  # done, and its file cleaned away after the retention time


# What a finished job's file is, as the download button names it.
RESULT_LABELS = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel 表格",
}


class Job(RegionScoped, db.Model):
    """Not audited: a job is bookkeeping about producing a file, not a domain record."""

    __tablename__ = "jobs"
    __scope_parent__ = SCOPE_ROOT
    __table_args__ = (Index("ix_jobs_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[JobStatus] = mapped_column(enum_type(JobStatus, 16), default=JobStatus.QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    result_path: Mapped[str] = mapped_column(String(300), default="")
    result_name: Mapped[str] = mapped_column(String(200), default="")
    result_type: Mapped[str] = mapped_column(String(100), default="")  # the file's MIME type
    error: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Written every few seconds by the process running the job: a job whose heartbeat stops
    # was left behind by a process that died, however long a healthy run would take.
    heartbeat_at: Mapped[datetime | None]

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.EXPIRED)

    @property
    def wording(self) -> Wording:
        return wording_for(self.kind)

    @property
    def result_label(self) -> str:
        return RESULT_LABELS.get(self.result_type, "文件")
