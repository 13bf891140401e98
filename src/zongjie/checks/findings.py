"""What a check found: the records every check, report, review note and preview page shares.

A leaf module (it imports only locations), so the checks, the reports that print
their findings and the review copy that turns them into Word comments depend on it and not on
each other.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from msgspec import Struct, field

from zongjie.location import Location

if TYPE_CHECKING:  # only the type: findings stay a leaf, which the fact loader itself may import
    from zongjie.inputs.facts import Fact


class Severity(StrEnum):
    """How much a finding matters: an error blocks the document, a warning is reported, an
    info (fill progress, a known exception) is for the record. A StrEnum: it is written to
    JSON and compared as the plain word."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def word(self) -> str:
        """The word a writer reads: 错误 / 警告 / 说明."""
        return _WORDS[self]


_WORDS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "说明"}


class Figure(Struct, frozen=True):
    key: str
    written: str
    location: Location
    derived: bool = False

    @classmethod
    def of(cls, fact: Fact) -> "Figure":
        return cls(fact.key, fact.written, fact.location, fact.derived)


class Finding(Struct, frozen=True):
    """One thing a check found. `check` names the rule (or the document check) that found it;
    `location` is where the user should look first."""

    code: str  # mismatch | unit | known-exception | exception-unneeded | lint-* | section-* …
    severity: Severity
    check: str
    message: str
    location: Location | None
    figures: tuple[Figure, ...] = ()
    expected: str = ""
    found: str = ""
    difference: str = ""
    hint: str = ""
    check_location: Location | None = None  # where the rule is written
    causes: tuple = ()  # diagnose.Cause: single-figure corrections that make the relation hold


class Unchecked(Struct, frozen=True):
    """A rule that was not evaluated for this document, with the reason in the writer's words."""

    rule: str
    reason: str
    location: Location | None


class CheckResult(Struct):
    findings: list[Finding] = field(default_factory=list)
    derived: list[Fact] = field(default_factory=list)
    checked: int = 0
    skipped: int = 0
    unchecked: list["Unchecked"] = field(default_factory=list)  # every rule not evaluated, and why

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == Severity.WARNING]
