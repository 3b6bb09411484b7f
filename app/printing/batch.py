"""Many documents in one PDF, each numbering its own pages (a background job's batch).

The caller renders the documents' HTML (database and templates) and hands them over one by
one, as they are made, to one render process per core, forked from a forkserver that has
WeasyPrint imported and the font loaded (app.jobs.pdf_preload). Each lays out the documents it
takes as separate documents, reports progress through a queue and writes its part; the parts'
pages are put back in order with pypdf. The render processes never touch the database.
Below ``IN_PROCESS_BATCH`` documents the calling process lays them out itself.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import queue as queue_module
import resource
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from flask import current_app

from app.printing.engine import allowed_roots, engine, no_gc

# Below this many documents a batch renders in the calling process: starting children costs more.
IN_PROCESS_BATCH = 6

ProgressCallback = Callable[[int, int], None]


def render_batch(documents: Iterable[tuple[str, str]], total: int, out: Path, *, title: str,
                 progress: ProgressCallback | None = None, processes: int | None = None,
                 handed_over: Callable[[], None] | None = None) -> dict:
    """Lay out ``total`` documents, given as (bookmark, HTML) pairs, into the PDF ``out``.

    ``documents`` is read once, lazily, while the first ones are laid out. ``progress(done,
    total)`` is called as documents are laid out; ``handed_over()`` once every document has
    been read, so the caller can let go of what it held to make them (its read transaction)
    during the rest of the layout. ``title`` is the merged PDF's title. Returns the timings:
    processes, html_s, layout_and_parts_s, merge_s, children_peak_mb.
    """
    started = time.perf_counter()
    progress = progress or (lambda done, total: None)
    handed_over = handed_over or (lambda: None)
    out.parent.mkdir(parents=True, exist_ok=True)
    if processes is None:
        processes = current_app.config.get("PDF_PROCESSES") or default_processes()
    processes = max(1, min(processes, total))
    timings = {"processes": processes}
    progress(0, total)
    if processes == 1 or total < IN_PROCESS_BATCH:
        htmls = [html for _, html in documents]
        handed_over()
        timings["html_s"] = time.perf_counter() - started
        peaks = _render_in_process(htmls, out, progress)
    else:
        peaks = _render_in_children(documents, total, out, title, processes, progress, handed_over, timings)
    timings["children_peak_mb"] = peaks
    return timings


def default_processes() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def _render_in_process(htmls: list[str], out: Path, progress: ProgressCallback) -> list[float]:
    eng = engine()
    roots = allowed_roots()
    pages = []
    first = None
    for done, html in enumerate(htmls, start=1):
        with eng.lock, no_gc():
            document = eng.document(html, roots)
        first = first or document
        pages.extend(document.pages)
        progress(done, len(htmls))
    with eng.lock, no_gc():
        first.copy(pages).write_pdf(out)
    return []


_forkserver_lock = threading.Lock()
_context = None


def _process_context():
    """A forkserver that has imported WeasyPrint and loaded the font once (app.jobs.pdf_preload):
    each batch's children start from it warm, fresh (no memory kept between batches), and
    without forking a threaded web process."""
    global _context
    with _forkserver_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["app.jobs.pdf_preload"])
            _context = context
    return _context


def _render_in_children(documents: Iterable[tuple[str, str]], total: int, out: Path, title: str, processes: int,
                        progress: ProgressCallback, handed_over: Callable[[], None], timings: dict) -> list[float]:
    """Children take documents from a shared queue as the caller renders their HTML (so neither
    waits for the other), lay them out, and each writes its part; the parts' pages are then
    put back in the documents' order, with a bookmark per document."""
    from pypdf import PdfReader, PdfWriter

    started = time.perf_counter()
    context = _process_context()
    tasks, events = context.Queue(), context.Queue()
    parts = [out.with_name(f"{out.stem}.part{n}.pdf") for n in range(processes)]
    roots = allowed_roots()
    children = [
        context.Process(target=render_worker, args=(n, str(parts[n]), roots, tasks, events), daemon=True)
        for n in range(processes)
    ]
    for child in children:
        child.start()
    labels: list[str] = []
    done, finished, peaks, layout = 0, set(), [], {}  # layout: document index -> (part, first page, pages)

    def handle(event) -> None:
        nonlocal done
        kind, number, value = event
        if kind == "sheet":
            done += 1
            progress(done, total)
        elif kind == "done":
            finished.add(number)
            peak_mb, placed = value
            peaks.append(peak_mb)
            for index, first_page, page_count in placed:
                layout[index] = (number, first_page, page_count)
        else:
            raise RuntimeError(f"PDF render process {number} failed:\n{value}")

    try:
        for index, (label, html) in enumerate(documents):
            labels.append(label)
            tasks.put((index, html))
            while True:  # report progress while feeding
                try:
                    handle(events.get_nowait())
                except queue_module.Empty:
                    break
        for _ in children:
            tasks.put(None)
        handed_over()
        timings["html_s"] = time.perf_counter() - started
        deadline = time.monotonic() + 60 + 3 * total  # far beyond any healthy run
        while len(finished) < len(children):
            if time.monotonic() > deadline:
                raise TimeoutError("PDF render processes took too long")
            try:
                handle(events.get(timeout=1))
            except queue_module.Empty:
                dead = [c for n, c in enumerate(children) if n not in finished and c.exitcode is not None]
                if dead:
                    raise RuntimeError(f"PDF render process exited with code {dead[0].exitcode}") from None
        timings["layout_and_parts_s"] = time.perf_counter() - started
        readers = {n: PdfReader(str(part)) for n, part in enumerate(parts) if part.exists()}
        writer = PdfWriter()
        for index, label in enumerate(labels):
            number, first_page, page_count = layout[index]
            part_pages = readers[number].pages
            for offset in range(page_count):
                writer.add_page(part_pages[first_page + offset])
                if offset == 0:
                    writer.add_outline_item(title=label, page_number=len(writer.pages) - 1)
        writer.add_metadata({"/Title": title, "/Creator": "县域体育工作台"})
        with open(out, "wb") as f:
            writer.write(f)
        timings["merge_s"] = time.perf_counter() - started - timings["layout_and_parts_s"]
    finally:
        for child in children:
            child.join(5)
            if child.is_alive():
                child.terminate()
        for part in parts:
            part.unlink(missing_ok=True)
        tasks.close()
        events.close()
    return peaks


def render_worker(number: int, part_path: str, roots: tuple[str, ...], tasks, events) -> None:
    """In a child process: take documents until told to stop, lay out each on its own (its own
    page numbers), then write them as one PDF with the font embedded once.

    The process is short-lived: no cyclic GC while it works, no tearing down at the end."""
    gc.disable()
    try:
        eng = engine()
        roots = tuple(roots)
        pages, first, placed = [], None, []
        while (task := tasks.get()) is not None:
            index, html = task
            document = eng.document(html, roots)
            first = first or document
            placed.append((index, len(pages), len(document.pages)))
            pages.extend(document.pages)
            events.put(("sheet", number, None))
        if first is not None:
            first.copy(pages).write_pdf(part_path)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        events.put(("done", number, (peak_mb, placed)))
    except BaseException:  # report anything, even an interrupt, to the parent
        import traceback

        events.put(("error", number, traceback.format_exc()))
        raise
    events.close()
    events.join_thread()  # the messages are out: leave without freeing the boxes one by one
    os._exit(0)
