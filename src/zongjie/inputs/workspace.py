"""The workspace on disk, described as plain objects.

Layout: `config.yaml`, `templates/<模板>/`, `content/<地区>/<年度>/facts.yaml` plus narrative
`*.md` beside it. A district may hold `templates/` (its overrides of the shared templates) and
`checks.yaml` (its own rules); so may a year folder.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

from msgspec import Struct

from zongjie.errors import WorkspaceError
from zongjie.inputs.config import Config, DocumentSettings, load_config
from zongjie.inputs.containment import ensure_inside
from zongjie.location import Location
from zongjie.script import fold

CONTENT_DIR = "content"
TEMPLATES_DIR = "templates"
FACTS_FILE = "facts.yaml"
CHECKS_FILE = "checks.yaml"
_YEAR = re.compile(r"^\d{4}$")


class DistrictYear(Struct, frozen=True):
    district: str
    year: str
    folder: Path
    settings: DocumentSettings
    members: tuple[str, ...] = ()  # for a city: the districts whose facts it adds up

    @property
    def is_city(self) -> bool:
        return bool(self.members)

    @property
    def facts_path(self) -> Path:
        return self.folder / FACTS_FILE

    @property
    def label(self) -> str:
        return f"{self.district} {self.year}"

    @property
    def previous_year(self) -> str:
        """The year `上年` means: the one before, or for a district that skipped a year the
        latest earlier one with facts (previous_year_of); a city, whose members' years are
        read, always means the year before."""
        before = str(int(self.year) - 1)
        if self.is_city:
            return before
        return previous_year_of(self.folder.parent, self.year) or before

    def narrative_paths(self) -> dict[str, Path]:
        """Narrative Markdown files of this year by name without extension; files in
        subfolders are named with their folder (说明/政策覆盖情况). Template overrides in
        `templates/` are not narrative."""
        paths = {}
        for path in sorted(self.folder.rglob("*.md")):
            relative = path.relative_to(self.folder)
            if relative.parts[0] != TEMPLATES_DIR:
                paths[relative.with_suffix("").as_posix()] = ensure_inside(path, what="叙述文件")
        return paths

    def override_dirs(self) -> list[Path]:
        """Template folders that win over the shared template, most specific first."""
        candidates = [self.folder / TEMPLATES_DIR, self.folder.parent / TEMPLATES_DIR]
        return [ensure_inside(path, what="模板文件夹") for path in candidates if path.is_dir()]

    def rule_files(self) -> list[Path]:
        """District-level and year-level rule files (the template's come from the template)."""
        candidates = [self.folder.parent / CHECKS_FILE, self.folder / CHECKS_FILE]
        return [path for path in candidates if path.is_file()]


class Workspace(Struct, frozen=True, dict=True):
    root: Path
    config: Config

    @classmethod
    def open(cls, root: Path) -> "Workspace":
        root = root.resolve()
        return cls(root, load_config(root))

    @property
    def content_dir(self) -> Path:
        return self.root / CONTENT_DIR

    @property
    def templates_dir(self) -> Path:
        return self.root / TEMPLATES_DIR

    @property
    def output_dir(self) -> Path:
        return self.root / self.config.output

    @cached_property
    def districts(self) -> list[str]:
        """Folders under content/, except those of cities (which hold a city's own facts)."""
        if not self.content_dir.is_dir():
            return []
        names = sorted(path.name for path in self.content_dir.iterdir()
                       if path.is_dir() and not path.name.startswith(".") and path.name not in self.config.cities)
        for name in names:
            _refuse_undecodable(name, self.content_dir)
        return names

    def years_of(self, district: str) -> list[str]:
        city = self.config.cities.get(district)
        if city is not None:  # the years its own folder has, or else the years all members have
            own = self._year_folders(self.content_dir / district)
            return own or sorted(set.intersection(*(set(self._year_folders(self.content_dir / m)) for m in city.members)))
        return self._year_folders(self.content_dir / district)

    @staticmethod
    def _year_folders(folder: Path) -> list[str]:
        if not folder.is_dir():
            return []
        return sorted(path.name for path in folder.iterdir() if path.is_dir() and _YEAR.match(path.name))

    def district_year(self, district: str, year: str) -> DistrictYear:
        city = self.config.cities.get(district)
        if city is not None:
            return DistrictYear(district, year, self.content_dir / district / year, city.settings, city.members)
        return DistrictYear(district, year, self.content_dir / district / year, self.config.settings_for(district))

    def _spelled_on_disk(self, district: str) -> str:
        """岳陽樓區 typed for the folder 岳阳楼区 (or the other way): the same district."""
        if district in self.config.cities or (is_plain_name(district) and (self.content_dir / district).is_dir()):
            return district

        wanted = fold(district)
        return next((name for name in self.districts + sorted(self.config.cities) if fold(name) == wanted), district)

    def select(self, district: str | None = None, year: str | None = None) -> list[DistrictYear]:
        """The district-years a command works on: all (districts, then cities), one
        district's or city's, or one."""
        if district is None:
            names = self.districts + sorted(self.config.cities)
            for city in self.config.cities:
                self._check_members(city)
            selected = [self.district_year(name, y) for name in names for y in self.years_of(name)]
            if not selected:
                raise WorkspaceError(
                    "工作区里还没有任何地区年度",
                    Location(self.content_dir),
                    "地区年度放在 content/<地区>/<年度>/ 中；可运行 zongjie new 地区 年度 新建一个。",
                )
            return selected
        district = self._spelled_on_disk(district)
        # one district: look at its own folder, not at every district's (thousands, in a province)
        if district not in self.config.cities and not (is_plain_name(district) and (self.content_dir / district).is_dir()):
            known = "、".join(self.districts + sorted(self.config.cities)) or "（无）"
            raise WorkspaceError(
                f"没有名为“{district}”的地区",
                Location(self.content_dir),
                f"已有的地区：{known}。新建地区可运行 zongjie new {district} 年度。",
            )
        if district in self.config.cities:
            self._check_members(district)
        years = self.years_of(district)
        if year is None:
            if not years:
                raise WorkspaceError(
                    f"地区“{district}”下还没有年度文件夹",
                    Location(self.content_dir / district),
                    f"年度文件夹应以四位数字命名（如 2023）；请运行 zongjie new {district} 年度 新建一个年度。",
                )
            return [self.district_year(district, y) for y in years]
        if year not in years:
            suggestion = f"新建可运行 zongjie new {district} {year}。" if _YEAR.match(year) else "年度应为四位数字，如 2023。"
            raise WorkspaceError(
                f"地区“{district}”没有 {year} 年度",
                Location(self.content_dir / district),
                f"已有的年度：{'、'.join(years) or '（无）'}。{suggestion}",
            )
        return [self.district_year(district, year)]

    def _check_members(self, city_name: str) -> None:
        city = self.config.cities[city_name]
        for member in city.members:
            if member in self.config.cities or not (is_plain_name(member) and (self.content_dir / member).is_dir()):
                raise WorkspaceError(
                    f"市“{city_name}”的成员“{member}”不是已有的地区",
                    city.location,
                    f"请在 config.yaml 的 cities.{city_name}.members 中检查名称；地区是 content/ 下的文件夹名。",
                )

    def misnamed_folders(self) -> list[Path]:
        """Folders in a district that are not read as years (2023年, 二〇二三): a writer's
        year that would otherwise be skipped without a word."""
        found = []
        for district in self.districts:
            for path in (self.content_dir / district).iterdir():
                if path.is_dir() and not _YEAR.match(path.name) and path.name != TEMPLATES_DIR \
                        and not path.name.startswith("."):
                    found.append(path)
        return found


def is_plain_name(name: str) -> bool:
    """A district name that stays a folder inside content/ (no path separators, not hidden)."""
    return bool(name) and not name.startswith(".") and not any(ch in name for ch in "/\\:") \
        and name.strip() == name


def _refuse_undecodable(name: str, folder: Path) -> None:
    """A folder name that is not valid text (saved in another encoding, e.g. from a GBK zip):
    it could be neither printed nor written into a document."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise WorkspaceError(
            f"content/ 下的文件夹名“{shown}”不是有效的文字编码（可能来自 GBK 编码的压缩包）",
            Location(folder),
            "请在资源管理器中把这个文件夹重新命名为正确的中文名。",
        ) from None


def previous_year_of(district_folder: Path, year: str) -> str | None:
    """The year `上年` means: the one before, or, when a year was skipped (2025 made from
    2023), the latest earlier year that has facts; comparisons then name that year."""
    before = str(int(year) - 1)
    if (district_folder / before / "facts.yaml").is_file():
        return before
    try:
        years = [p.name for p in district_folder.iterdir()
                 if len(p.name) == 4 and p.name.isdigit() and p.name < year and (p / "facts.yaml").is_file()]
    except OSError:
        return None
    return max(years) if years else None
