"""What became of one document in a build: a leaf, so the batch and the CLI can name the
outcome without importing the pipeline (a rebuild of nothing never loads it)."""

from enum import StrEnum


class BuildStatus(StrEnum):
    BUILT = "built"
    UPTODATE = "uptodate"  # a batch found the outputs up to date and built nothing
    BLOCKED = "blocked"  # checks found errors: nothing written
    FAILED = "failed"  # unusable input
