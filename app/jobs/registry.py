"""Job kinds: each domain registers the function that runs its kind, where the function lives.

    @job_handler("inspection_sheets")
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


Handler = Callable[..., JobResult]
_handlers: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        if _handlers.get(kind, function) is not function:
            raise ValueError(f"job kind {kind!r} is registered twice")
        _handlers[kind] = function
        return function

    return register


def handler_for(kind: str) -> Handler:
    return _handlers[kind]


def is_registered(kind: str) -> bool:
    return kind in _handlers
