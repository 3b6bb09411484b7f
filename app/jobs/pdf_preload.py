"""Imported once by the batch-PDF forkserver (app.standards.pdf._process_context): WeasyPrint
imported, the font loaded and a line laid out, so every batch's render processes fork warm.

The forkserver is single-threaded, so forking after this initialisation is safe."""
from app.standards.pdf import warm_up

warm_up()
