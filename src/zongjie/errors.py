"""Error types for user mistakes, each carrying where the mistake is.

Only the CLI turns these into messages and exit codes; library code raises them and never prints.
Messages are Chinese, written for bureau writers: what is wrong, where, and what to do.
"""

from __future__ import annotations

from zongjie.location import Location


class ZongjieError(Exception):
    """A mistake in the user's input. Exit code 2: the input cannot be used as it is."""

    exit_code = 2
    kind = "错误"

    def __init__(self, message: str, location: Location | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.kind}：{self.message}"
        if self.hint:
            text += f"\n  → {self.hint}"
        return text


class InputEncodingError(ZongjieError):
    kind = "编码错误"


class YamlError(ZongjieError):
    kind = "YAML 格式错误"


class FactError(ZongjieError):
    kind = "事实数据错误"


class NumberFormatError(ValueError):
    """A figure that cannot be read. Raised by the number parser without a location;
    the fact loader adds the location and turns it into a FactError."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class ConfigError(ZongjieError):
    kind = "配置错误"


class WorkspaceError(ZongjieError):
    kind = "工作区错误"


class TemplateError(ZongjieError):
    kind = "模板错误"


class RuleError(ZongjieError):
    kind = "校验规则错误"


class OutputError(ZongjieError):
    """Writing the output failed (file open in Word, disk full, bad path)."""

    kind = "输出错误"
