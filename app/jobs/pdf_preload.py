"""Imported once by the batch-PDF forkserver (app.printing.batch._process_context): WeasyPrint
imported, the font loaded and a line laid out, so every batch's render processes fork warm.

The forkserver is single-threaded, so forking after this initialisation is safe."""
from app.printing.engine import warm_up

warm_up()
