"""scanclean: raw OCR text of scanned documents in, clean UTF-8 text and a reversible change log out.

>>> import pipeline
>>> pipeline.clean("Clean text.").text
'Clean text.\\n'
"""

__version__ = "0.1.0"

from pipeline.api import Result, clean

__all__ = ["Result", "__version__", "clean"]
