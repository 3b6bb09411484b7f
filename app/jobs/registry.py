"""Job kinds: each domain registers the function that runs its kind, where the function lives.

    @job_handler("inspection_sheets", Wording("份", "已排版", "正在合成 PDF 文件…"))
    def print_sheets(job, progress) -> JobResult: ...

The handler runs outside any request, with the job creator's scope and as the creator in the
audit log (scoping.acting_as); it reports ``progress(done, total)`` and returns the file it
wrote. This module imports no domain, so the domains and the jobs package import no cycle.
"""
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class JobResult:
    path: Path  # under the instance folder's jobs/ (services.result_path gives one)
    download_name: str
    content_type: str


@dataclass(frozen=True)
class Wording:
    """How a kind's page speaks of its progress: what it counts, what it has done with the last
    one, and what it does then until the file is there (已排版 3 份，正在合成 PDF 文件…)."""

    unit: str = "项"
    made: str = "已处理"
    finishing: str = "正在生成文件…"


Handler = Callable[..., JobResult]
_handlers: dict[str, Handler] = {}
_wordings: dict[str, Wording] = {}


def job_handler(kind: str, wording: Wording = Wording()) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        if _handlers.get(kind, function) is not function:
            raise ValueError(f"job kind {kind!r} is registered twice")
        _handlers[kind] = function
        _wordings[kind] = wording
        return function

    return register


def handler_for(kind: str) -> Handler:
    return _handlers[kind]


def wording_for(kind: str) -> Wording:
    return _wordings.get(kind, Wording())


def is_registered(kind: str) -> bool:
    return kind in _handlers
