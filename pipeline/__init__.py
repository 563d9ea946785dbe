"""Empathy Dial: do contact-centre agents dose empathy right?

The public API: read a transcript, analyse it, run the job into the warehouse.
"""

from .analysis import analysis_report, analyze_call
from .classify import TurnClassifier, load_classifier
from .jobs import JobOptions, RunReport, run
from .policy import Policy
from .transcripts import TranscriptError, parse_call, read_transcripts

__version__ = "0.1.0"

__all__ = [
    "JobOptions",
    "Policy",
    "RunReport",
    "TranscriptError",
    "TurnClassifier",
    "__version__",
    "analysis_report",
    "analyze_call",
    "load_classifier",
    "parse_call",
    "read_transcripts",
    "run",
]
