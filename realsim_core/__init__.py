"""realsim: how realistic is your user simulator?

The package reads as the pipeline it runs:
corpus/ingest -> simulate -> annotate -> compare -> store -> report.
"""

__version__ = "0.1.0"
