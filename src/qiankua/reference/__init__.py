"""Built-in reference data: one CSV per table under ``data/`` plus ``provenance.csv``.

Load once with :func:`load_reference` (cached per directory) and pass the result to
engines as an argument; engines never read files. :func:`validate_reference`
checks schemas, keys, referential integrity and provenance coverage, and returns a
report instead of raising, for ``qiankua data validate``.
"""

from qiankua.reference.loader import DATA_DIR, ReferenceData, load_reference, validate_reference
from qiankua.reference.validator import ValidationReport

__all__ = ["DATA_DIR", "ReferenceData", "ValidationReport", "load_reference", "validate_reference"]
