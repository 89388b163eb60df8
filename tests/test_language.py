"""Chinese first, English on request: the catalog covers every message, every `--help` reads
in the language asked for, and every user mistake is said in it, with no Python value leaking."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from auditledger import i18n
from auditledger.cli import app
from auditledger.model import Problem
from tests.conftest import CLI, REPO, Run

PO = REPO / "src" / "auditledger" / "locale" / "zh" / "LC_MESSAGES" / "auditledger.po"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extracted() -> dict[str, tuple[str, int]]:
    """Every message of the code, as Babel extracts it, with where it was found."""
    with (REPO / "babel.cfg").open() as file:
        method_map, options_map = parse_mapping_cfg(file)
    found: dict[str, tuple[str, int]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(REPO), method_map, options_map, keywords=KEYWORDS
    ):
        for text in [message] if isinstance(message, str) else message:
            found.setdefault(text, (filename, lineno))
    return found


def placeholders(text: str) -> set[str]:
    """The `{name}`s a message is formatted with (help texts are shown as they are: their braces
    must survive too)."""
    return set(re.findall(r"\{[^{}]*\}", text))


def test_every_message_has_a_chinese_translation_that_keeps_its_placeholders() -> None:
    with PO.open("rb") as file:
        catalog = read_po(file)
    translated: dict[str, str] = {}
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for msgid in ids:
            translated[msgid] = "" if message.fuzzy else strings[0]
            for text in strings:
                assert placeholders(text) == placeholders(ids[0]), (
                    f"{msgid!r} → {text!r} changed placeholders"
                )
    found = extracted()
    assert len(found) > 500  # the extractor finds the code's messages and the help texts
    missing = [
        f"{where}:{line}: {msgid!r}" for msgid, (where, line) in found.items() if not translated.get(msgid)
    ]
    assert not missing, "no Chinese for:\n" + "\n".join(sorted(missing))


def test_the_compiled_catalog_is_the_translations() -> None:
    """The .mo shipped is compiled from the .po as it is (`pybabel compile` after every edit)."""
    with PO.open("rb") as file:
        catalog = read_po(file)
    compiled = i18n.catalog("zh")
    for message in catalog:
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy:
            assert compiled.gettext(message.id) == message.string, message.id


def test_the_language_comes_from_the_option_the_environment_the_ledger_then_zh(
    small: CLI, make_ledger: Callable[..., Path]
) -> None:
    zh = CLI(small.root)
    zh.runner.env["AUDITLEDGER_LANG"] = None  # type: ignore[index]
    assert zh("show", "2099-001").stderr.startswith("错误：")
    assert zh("--lang", "en", "show", "2099-001").stderr.startswith("error: ")
    zh.runner.env["AUDITLEDGER_LANG"] = "en"  # type: ignore[index]
    assert zh("show", "2099-001").stderr.startswith("error: ")
    assert zh("--lang", "zh", "show", "2099-001").stderr.startswith("错误：")
    english = make_ledger({"auditledger.yaml": "name: 测试\njurisdiction: 测试市\nlanguage: en\n"})
    by_ledger = CLI(english)
    by_ledger.runner.env["AUDITLEDGER_LANG"] = None  # type: ignore[index]
    assert by_ledger("show", "2099-001").stderr.startswith("error: ")
    wrong = CLI(english)
    wrong.runner.env["AUDITLEDGER_LANG"] = "fr"  # type: ignore[index]
    result = wrong("list")
    assert result.exit_code == 2 and "AUDITLEDGER_LANG" in result.stderr


# What people read ------------------------------------------------------------------------

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
PYTHON_VALUES = re.compile(r"\bNone\b|\bTrue\b|\bFalse\b|\['|\[\]|\{'")
RAW_FIELDS = sorted(
    {name for name in Problem.model_fields if "_" in name},
    key=len,
    reverse=True,
)
KEPT = re.compile(
    r"`[^`]*`"  # a YAML key or command to type
    r"|'[^']*'|\"[^\"]*\"|“[^”]*”|‘[^’]*’"  # a value quoted
    r"|https?://\S+"
    r"|^\S*auditledger(?: [a-z-]+)*|(?<=auditledger)(?: [a-z-]+)+"  # a command line
    r"|^ {2}[a-z-]+(?= {2,}\S)"  # a command in the list of commands
    r"|(?<![\w-])--?[A-Za-z][\w-]*(?:=\S+| [a-z_]+\b)?"  # an option, and its value
    r"|[A-Za-z_-]+(?=[（：])|(?<=（)[A-Za-z_-]+(?=）)|[a-z_-]+(?=、)|(?<=、)[a-z_-]+"  # codes with labels
    r"|<[^>]*>|\{[^}]*\}|\[[^\]]*(?:\]|$)|^[^\[\]]*\]"  # a metavar, placeholder or choice list
    r"|\S*[/\\]\S*|\S+\.(?:ya?ml|xlsx|xls|csv|json|md|html|docx|db|sqlite|j2)\b"  # a path
    r"|\b[a-z]+(?:_[a-z0-9]+)+\b"  # a code
    r"|\b\d[\w.:-]*"  # ids, dates, numbers
    r"|\b[A-Z][A-Z0-9_]+\b",  # ID, SQL, AUDITLEDGER_LANG, YYYY
    re.MULTILINE,
)
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
LETTERS = re.compile(r"[A-Za-z]")
NAMES = {
    # names that stay as they are in Chinese text
    "auditledger",
    "git",
    "Git",
    "Excel",
    "Word",
    "WPS",
    "Markdown",
    "Jinja",
    "Typer",
    "Click",
    "json",
    "csv",
    "html",
    "md",
    "xlsx",
    "xls",
    "ods",
    "et",
    "yaml",
    "sqlite",
    "sha",
    "zh",
    "en",
    "table",
    "text",
    "utf",
    "UTF",
    "Windows",
    "id",
    "ids",
    "SQLite",
    "HTML",
    "PDF",
    "pdf",
    "docx",
    "ok",
    "shell",
    "Schema",
    "schema",
    "zip",
    "czj",
    "GBK",
    "GB",
    "Unicode",
}


def stripped(line: str) -> str:
    return KEPT.sub(" ", line)


def without_glosses(text: str) -> str:
    """English text without what stands in parentheses or quotes (Chinese terms, examples)."""
    return re.sub(r"\([^()]*\)|（[^（）]*）|'[^'\n]*'|“[^”]*”|e\.g\. \S+", " ", text)


def check_values(line: str, where: str) -> None:
    assert not PYTHON_VALUES.search(line), f"{where}: a Python value in {line!r}"
    for name in RAW_FIELDS:
        found = re.search(rf"(?<![\w`'-]){name}(?![\w`'-]| ?[（(])", line)
        assert not found, f"{where}: raw field name {name!r} in {line!r}"


def check_language(line: str, lang: str, where: str) -> None:
    if lang == "zh":
        words = [w for w in ENGLISH_WORD.findall(stripped(line)) if w not in NAMES]
        assert not words, f"{where}: English {words} in a Chinese line {line!r}"
    else:
        chinese = len(CJK.findall(line))
        assert chinese <= len(LETTERS.findall(line)), f"{where}: Chinese in an English line {line!r}"


def check_text(text: str, lang: str, where: str) -> None:
    """Every line in the language, without a Python value or a raw field name."""
    for line in text.splitlines():
        check_values(line, where)
    for line in (without_glosses(text) if lang == "en" else text).splitlines():
        check_language(line, lang, where)


def all_paths() -> list[list[str]]:
    root = typer.main.get_command(app)
    found: list[list[str]] = [[]]

    def walk(command: object, path: list[str]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            found.append([*path, name])
            walk(sub, [*path, name])

    walk(root, [])
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_help_reads_in_the_language_asked_for(sample: CLI, lang: str) -> None:
    for path in all_paths():
        result = sample("--lang", lang, *path, "--help")
        assert result.exit_code == 0, (path, result.stderr)
        assert result.stdout.strip()
        check_text(result.stdout, lang, " ".join(["auditledger", *path, "--help"]))


MISTAKES: list[list[str]] = [
    ["lis"],
    ["list", "--unit", "czjj"],
    ["list", "--status", "完成"],
    ["list", "--year", "abc"],
    ["list", "--format", "xml"],
    ["list", "--bogus"],
    ["list", "--as-of", "2024-13-01"],
    ["show"],
    ["show", "2099-001"],
    ["overdue", "--unit", "czjj", "--fail"],
    ["overdue", "--as-of", "yesterday"],
    ["stats", "--years", "2099"],
    ["sample", "--year", "2099", "--count", "1"],
    ["recurring", "--year", "2099"],
    ["query", "drop table problems"],
    ["rollup", "--as-of", "2024-02-30"],
    ["plan", "--year", "2099"],
    ["report", "--year", "2099"],
    ["report", "--kind", "nothing"],
    ["export", "--year", "2023", "--unit", "czjj"],
    ["import", "missing.xlsx"],
    ["diff", "no-such-revision"],
    ["update", "2099-001", "--status", "rectified"],
    ["update", "2023-001", "--status", "马上改"],
    ["update", "2023-001", "--tag", "foo"],
    ["extend", "2023-001", "--to", "2023-01-01", "--reason", "理由"],
    ["milestone", "2099-001", "--add", "2026-12-31", "--text", "目标"],
    ["track", "2099-001", "--method", "site_visit"],
    ["add-unit", "czj", "--name", "财政局"],
    ["add-problem", "--year", "2023"],
    ["year", "1980"],
    ["evaluate", "--year", "2099"],
    ["disclose", "2099-001"],
    ["init"],
    ["schema", "--bogus"],
    ["fmt", "--bogus"],
    ["check", "--as-of", "2024/01/01"],
    ["lower", "add"],
    ["resolution", "add"],
    ["suggestion", "add"],
    ["vote", "update"],
    ["recommendation", "add", "--year", "2024", "--text", "建议", "--unit", "czjj"],
    ["case", "add"],
    ["hearing", "add"],
    ["serve", "--git-commit", "张三"],
]


def test_the_mistakes_cover_every_command() -> None:
    named = {m[0] for m in MISTAKES}
    top = {p[0] for p in all_paths() if p}
    assert top - named == set()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("mistake", MISTAKES, ids=" ".join)
def test_a_mistake_is_said_in_the_language_asked_for(small: CLI, lang: str, mistake: list[str]) -> None:
    before = {p: p.read_bytes() for p in small.root.rglob("*.yaml")}
    result: Run = small("--lang", lang, *mistake)
    assert result.exit_code != 0, (mistake, result.stdout)
    assert result.stderr.strip(), mistake
    assert {p: p.read_bytes() for p in small.root.rglob("*.yaml")} == before
    first = result.stderr.splitlines()[0]
    assert first.startswith("错误：" if lang == "zh" else "error: "), first
    check_text(result.stderr, lang, " ".join(mistake))


def test_default_language_is_chinese(small: CLI) -> None:
    quiet = CLI(small.root)
    quiet.runner.env["AUDITLEDGER_LANG"] = None  # type: ignore[index]
    result = quiet("check")
    assert result.exit_code == 0
    assert CJK.search(result.stdout + result.stderr)


WRITES: list[list[str]] = [
    [
        "update",
        "2025-002",
        "--status",
        "已整改",
        "--rectified-amount",
        "9860",
        "--method",
        "disbursed",
        "--measure",
        "资金已下达",
        "--date",
        "2026-11-25",
        "--by",
        "市财政局",
    ],
    ["update", "2024-002", "--not-prominent", "--date", "2026-11-24"],
    [
        "extend",
        "2025-005",
        "--to",
        "2026-12-31",
        "--reason",
        "配套资金待批准",
        "--approved-by",
        "副市长",
        "--date",
        "2026-11-24",
    ],
    ["milestone", "2025-012", "--due", "2026-09-30", "--text", "完成概算调整初审", "--date", "2026-11-24"],
    ["track", "2025-006", "--method", "随机抽查", "--date", "2026-11-12", "--finding", "抽查5家机构"],
    [
        "evaluate",
        "--year",
        "2025",
        "--target",
        "report",
        "--members",
        "45",
        "--satisfied",
        "22",
        "--basic",
        "18",
        "--unsatisfied",
        "4",
        "--void",
        "1",
        "--date",
        "2026-11-25",
    ],
    ["disclose", "2025-010", "--where", "示例市人大常委会网站", "--date", "2026-11-24"],
    ["show", "2024-002"],
    ["show", "2025-016"],
    ["show", "2025-R1"],
]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_what_a_command_prints_holds_no_python_value(sample: CLI, lang: str) -> None:
    """Confirmations, history lines and `show` in either language: values as people write them."""
    for args in WRITES:
        result = sample("--lang", lang, *args)
        assert result.exit_code == 0, (args, result.stderr)
        for line in (result.stdout + result.stderr).splitlines():
            check_values(line, " ".join(args))
