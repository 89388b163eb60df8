"""The workbench (`auditledger serve`) through Starlette's test client, on a copy of the sample
ledger: every page, the filters, each form's success and refusal, the conflict refusal, CSRF,
the token rule and read-only mode."""

from __future__ import annotations

import contextlib
import html
import re
import subprocess
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import CLI, REPO, snapshot

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note that httpx2 may replace httpx
    from starlette.testclient import TestClient

from auditledger.web.app import Workbench, create_app

AS_OF = "2026-11-24"
LOCAL = "http://127.0.0.1"
CZJ_2025 = Path("2025/czj.yaml")
YEAR_2025 = Path("2025/_year.yaml")

Client = Callable[..., TestClient]


@pytest.fixture
def client(sample: CLI) -> Iterator[Client]:
    """A test client of a workbench on the sample ledger, started as `make(...)` asks. Each
    client runs the application in one thread, as uvicorn does (yaml-rs, the native YAML
    parser, has crashed the interpreter when called from a third short-lived thread)."""
    with contextlib.ExitStack() as stack:

        def make(*, edit: bool = True, token: str | None = None, author: str | None = None) -> TestClient:
            bench = Workbench(sample.root, edit=edit, token=token, author=author)
            return stack.enter_context(started(bench))

        yield make


def started(bench: Workbench, base_url: str = LOCAL) -> TestClient:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return TestClient(create_app(bench), base_url=base_url)


def text_of(page: str) -> str:
    """The page's words, without tags, unescaped."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def hidden(page: str, action: str) -> dict[str, str]:
    """The hidden fields of the form that posts to `action` (csrf, stamp, back)."""
    start = page.index(f'action="{html.escape(action)}')
    form = page[start : page.index("</form>", start)]
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))


def post(client: TestClient, page_url: str, action: str, fields: dict[str, str], **kw: object) -> object:
    page = client.get(page_url).text
    return client.post(action, data={**hidden(page, action), **fields}, follow_redirects=False, **kw)


# --- the pages ---------------------------------------------------------------------------

PAGES = [
    ("/", ["逾期", "整改类型", "立行立改"]),
    ("/problems", ["2025-002", "部分专项转移支付资金分配下达不及时"]),
    ("/problems/2025-002", ["整改措施", "下达4项资金7,200万元", "整改时限"]),
    ("/units/czj", ["示例市财政局", "2025-002"]),
    ("/years/2025", ["2025-H1", "医保基金违规结算为何屡审屡犯？", "2025-S1", "王建国代表"]),
    ("/check", ["0"]),
    ("/reports", ["/reports/2025/rectification.html", "/reports/2025/rectification.md", "/export/2025.xlsx"]),
]


@pytest.mark.parametrize(("url", "words"), PAGES, ids=[url for url, _words in PAGES])
def test_every_page_answers_in_chinese_with_its_policy(client: Client, url: str, words: list[str]) -> None:
    response = client().get(url, params={"as_of": AS_OF})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy and "form-action 'self'" in policy
    assert '<html lang="zh-CN">' in response.text
    page = text_of(response.text)
    for word in words:
        assert word in page or word in response.text, word
    assert "<script" not in response.text  # works without JavaScript: there is none


def test_the_language_setting_gives_english_and_is_remembered(client: Client) -> None:
    bench = client()
    response = bench.get("/", params={"as_of": AS_OF, "lang": "en"})
    assert '<html lang="en">' in response.text and "Completion by rectification type" in response.text
    again = bench.get("/problems", params={"as_of": AS_OF})  # the cookie keeps it
    assert '<html lang="en">' in again.text and "Search" in again.text


def test_the_dashboard_says_overdue_in_words_not_colour_alone(client: Client) -> None:
    page = client().get("/", params={"as_of": AS_OF}).text
    assert re.search(r'<tr class="overdue">.*?逾期 \d+ 天', page, re.S)
    assert re.search(r'<tr class="due_soon">.*?(还有 \d+ 天|今日到期)', page, re.S)


def fields_of(page: str) -> str:
    """The words of the page's table of a record's fields."""
    start = page.index('<table class="fields">')
    return text_of(page[start : page.index("</table>", start)])


def test_the_as_of_day_drives_the_problem_page(client: Client) -> None:
    bench = client()
    now = fields_of(bench.get("/problems/2024-001", params={"as_of": AS_OF}).text)
    before = fields_of(bench.get("/problems/2024-001", params={"as_of": "2025-09-01"}).text)
    assert "已销号" in now and "已销号" not in before
    assert "2025-11-20" in now and "2025-11-20" not in before


def zipfile_text(data: bytes) -> bytes:
    """The body of a Word document."""
    import io
    import zipfile

    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")


def test_each_report_kind_views_and_downloads(client: Client) -> None:
    bench = client()
    for kind in ("rectification", "plan-status", "cases", "budget-review", "assets"):
        for fmt in ("html", "md", "docx"):
            response = bench.get(f"/reports/2025/{kind}.{fmt}", params={"as_of": AS_OF, "download": "1"})
            assert response.status_code == 200, (kind, fmt, response.text)
            assert response.headers["content-disposition"].startswith("attachment")
            assert response.content
    word = bench.get("/reports/2025/rectification.docx", params={"as_of": AS_OF})
    assert word.headers["content-disposition"].startswith("attachment")  # never shown in the page
    assert word.content.startswith(b"PK") and "关于示例市2025年度".encode() in zipfile_text(word.content)
    viewed = bench.get("/reports/2025/rectification.html", params={"as_of": AS_OF})
    assert viewed.headers["content-disposition"].startswith("inline")
    assert "<!DOCTYPE html>" in viewed.text or "<!doctype html>" in viewed.text.lower()
    assert "default-src 'none'" in viewed.headers["content-security-policy"]
    unit = bench.get("/reports/2025/unit.md", params={"as_of": AS_OF, "unit": "czj"})
    assert unit.status_code == 200 and "2025-002" in unit.text
    sheet = bench.get("/export/2025.xlsx", params={"as_of": AS_OF})
    assert sheet.status_code == 200 and sheet.content.startswith(b"PK")


def test_a_missing_problem_is_a_page_that_names_the_nearest(client: Client) -> None:
    response = client().get("/problems/2025-0002", params={"as_of": AS_OF, "lang": "en"})
    assert response.status_code == 404
    assert "no problem with id '2025-0002'" in text_of(response.text)


def test_a_hand_edit_shows_on_the_next_request(client: Client, sample: CLI) -> None:
    bench = client()
    assert (
        "部分专项转移支付资金分配下达不及时" in bench.get("/problems/2025-002", params={"as_of": AS_OF}).text
    )
    path = sample.root / CZJ_2025
    path.write_text(
        path.read_text(encoding="utf-8").replace("部分专项转移支付资金分配下达不及时", "手工改过的标题")
    )
    assert "手工改过的标题" in bench.get("/problems/2025-002", params={"as_of": AS_OF}).text


def test_everything_a_user_wrote_is_escaped(client: Client, sample: CLI) -> None:
    path = sample.root / CZJ_2025
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "title: 部分专项转移支付资金分配下达不及时", "title: '<script>alert(1)</script>'"
        )
    )
    bench = client()
    for url in ("/problems/2025-002", "/problems", "/units/czj"):
        page = bench.get(url, params={"as_of": AS_OF}).text
        assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url


# --- the filters -------------------------------------------------------------------------


def ids(page: str) -> set[str]:
    return set(re.findall(r'href="/problems/(\d{4}-\d{3})[?"]', page))


def test_filter_by_unit_year_status_type_and_prominence(client: Client) -> None:
    bench = client()
    every = ids(bench.get("/problems", params={"as_of": AS_OF}).text)
    czj = ids(bench.get("/problems", params={"as_of": AS_OF, "unit": "czj"}).text)
    assert czj and czj < every and {"2025-001", "2025-002", "2024-002"} <= czj
    czj_2025 = ids(bench.get("/problems", params={"as_of": AS_OF, "unit": "czj", "year": "2025"}).text)
    assert czj_2025 == {i for i in czj if i.startswith("2025-")}
    unfinished = ids(bench.get("/problems", params={"as_of": AS_OF, "unit": "czj", "unfinished": "1"}).text)
    assert unfinished == {"2024-002", "2025-001", "2025-002"}
    closed = ids(bench.get("/problems", params={"as_of": AS_OF, "status": "closed"}).text)
    assert "2024-001" in closed and not closed & unfinished
    ongoing = ids(bench.get("/problems", params={"as_of": AS_OF, "type": "ongoing"}).text)
    assert "2025-001" in ongoing and "2025-002" not in ongoing
    prominent = ids(bench.get("/problems", params={"as_of": AS_OF, "prominent": "1"}).text)
    assert "2025-002" in prominent and prominent < every


def test_the_search_box_finds_words_in_the_title_and_the_full_text(client: Client) -> None:
    bench = client()
    assert ids(bench.get("/problems", params={"as_of": AS_OF, "q": "转移支付 下达"}).text) >= {"2025-002"}
    in_text = ids(bench.get("/problems", params={"as_of": AS_OF, "q": "连续三年被审计指出"}).text)
    assert "2025-002" in in_text and "2025-001" not in in_text
    assert ids(bench.get("/problems", params={"as_of": AS_OF, "q": "没有这样的词"}).text) == set()


def test_an_unknown_filter_value_is_said_not_an_empty_list(client: Client) -> None:
    response = client().get("/problems", params={"as_of": AS_OF, "unit": "czjj", "lang": "en"})
    assert response.status_code == 400
    assert "czjj" in text_of(response.text) and "czj" in text_of(response.text)


# --- the forms ---------------------------------------------------------------------------

PAGE = "/problems/2025-002"


def test_update_writes_the_file_and_the_history(client: Client, sample: CLI) -> None:
    bench = client()
    response = post(
        bench,
        PAGE,
        f"{PAGE}/update",
        {"status": "rectified", "rectified_amount": "9860", "method": "disbursed",
         "measure": "余下1项资金已下达", "by": "财政局", "date": "2026-11-20"},
    )  # fmt: skip
    assert response.status_code == 303 and response.headers["location"].startswith(PAGE)
    text = (sample.root / CZJ_2025).read_text(encoding="utf-8")
    assert "余下1项资金已下达" in text and "disbursed: 9860" in text
    page = bench.get(response.headers["location"]).text
    assert "已整改" in text_of(page) and "2026-11-20 财政局" in text_of(page)
    assert "余下1项资金已下达" in sample("show", "2025-002", "--format", "json").stdout


def test_extend_milestone_and_track_write_what_the_cli_writes(client: Client, sample: CLI) -> None:
    bench = client()
    page = "/problems/2025-001"
    assert post(bench, page, f"{page}/extend", {"to": "2028-06-30", "reason": "政策调整",
                "approved_by": "市政府", "date": "2026-11-20"}).status_code == 303  # fmt: skip
    assert (
        post(
            bench,
            page,
            f"{page}/milestone",
            {"due": "2027-06-30", "text": "完成制度修订", "date": "2026-11-20"},
        ).status_code
        == 303
    )
    assert post(bench, page, f"{page}/track", {"method": "site_visit", "finding": "已实地察看",
                "date": "2026-11-21", "by": "预算工委"}).status_code == 303  # fmt: skip
    shown = sample("show", "2025-001", "--as-of", "2026-11-30").stdout
    for word in ("2028-06-30", "完成制度修订", "已实地察看", "政策调整"):
        assert word in shown, word


def test_mark_a_milestone_done(client: Client, sample: CLI) -> None:
    bench = client()
    page = "/problems/2025-001"
    post(
        bench, page, f"{page}/milestone", {"due": "2027-06-30", "text": "完成制度修订", "date": "2026-11-20"}
    )
    milestones = sample("show", "2025-001", "--format", "json").stdout.count('"done": null')
    response = post(bench, page, f"{page}/milestone", {"done": "2026-11-22", "number": "1"})
    assert response.status_code == 303
    assert sample("show", "2025-001", "--format", "json").stdout.count('"done": null') == milestones - 1


def test_evidence_upload_puts_the_file_in_the_ledger_and_names_it(client: Client, sample: CLI) -> None:
    bench = client()
    page_text = bench.get(PAGE).text
    action = f"{PAGE}/evidence"
    response = bench.post(
        action,
        data={**hidden(page_text, action), "note": "拨付凭证", "date": "2026-11-20"},
        files={"file": ("拨付凭证.pdf", b"%PDF-1.4 evidence", "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    stored = sample.root / "evidence" / "2025" / "2025-002" / "拨付凭证.pdf"
    assert stored.read_bytes() == b"%PDF-1.4 evidence"
    assert "evidence/2025/2025-002/拨付凭证.pdf" in (sample.root / CZJ_2025).read_text(encoding="utf-8")
    again = bench.post(
        action,
        data={**hidden(bench.get(PAGE).text, action)},
        files={"file": ("拨付凭证.pdf", b"other", "application/pdf")},
        follow_redirects=False,
    )
    assert again.status_code == 400 and "2025-002/拨付凭证.pdf" in text_of(again.text)
    assert stored.read_bytes() == b"%PDF-1.4 evidence"


def test_answer_a_question_and_a_suggestion(client: Client, sample: CLI) -> None:
    bench = client()
    year = "/years/2025"
    response = post(bench, year, f"{year}/answer", {"record": "2025-H1/Q1", "text": "已建立问责机制",
                    "date": "2026-11-20"})  # fmt: skip
    assert response.status_code == 303, response
    response = post(bench, year, f"{year}/answer", {"record": "2025-S1", "copied": "2026-10-08"})
    assert response.status_code == 303
    text = (sample.root / YEAR_2025).read_text(encoding="utf-8")
    assert "已建立问责机制" in text and "copied: 2026-10-08" in text


REFUSALS = [
    ("update", {}, "nothing to change for 2025-002"),
    ("update", {"status": "closed"}, "refused"),
    ("update", {"rectified_amount": "很多"}, "很多"),
    ("update", {"date": "2026-02-30"}, "is not a valid date"),
    ("extend", {"to": "2027-01-01"}, "an extension needs the new deadline, the reason and who approved it"),
    ("track", {"method": "telepathy", "finding": "x"}, "telepathy"),
    ("milestone", {"text": "no due date"}, "give the due date and the text"),
]


@pytest.mark.parametrize(
    ("form", "fields", "words"), REFUSALS, ids=[f"{f}-{w[:20]}" for f, _x, w in REFUSALS]
)
def test_a_refused_form_says_why_and_writes_nothing(
    client: Client, sample: CLI, form: str, fields: dict[str, str], words: str
) -> None:
    bench = client()
    bench.get("/", params={"lang": "en"})
    before = snapshot(sample.root)
    response = post(bench, PAGE, f"{PAGE}/{form}", fields)
    assert response.status_code == 400
    assert words in text_of(response.text)
    assert "Nothing was written." in text_of(response.text)
    assert snapshot(sample.root) == before


def test_the_same_refusal_as_the_command_line(client: Client, sample: CLI) -> None:
    bench = client()
    bench.get("/", params={"lang": "en"})
    said = sample("update", "2025-002", "--status", "closed", "--date", "2026-11-20").stderr.strip()
    response = post(bench, PAGE, f"{PAGE}/update", {"status": "closed", "date": "2026-11-20"})
    assert said.startswith("error: refused") and said in text_of(response.text)


def test_a_file_changed_since_the_page_was_loaded_is_refused_not_overwritten(
    client: Client, sample: CLI
) -> None:
    bench = client()
    bench.get("/", params={"lang": "en"})
    page = bench.get(PAGE).text
    path = sample.root / CZJ_2025
    path.write_text(path.read_text(encoding="utf-8").replace("下达4项资金7,200万元", "别人刚改的措施"))
    by_hand = path.read_bytes()
    action = f"{PAGE}/update"
    response = bench.post(
        action, data={**hidden(page, action), "measure": "我的措施"}, follow_redirects=False
    )
    assert response.status_code == 409
    assert "2025/czj.yaml changed since you opened it; reload" in text_of(response.text)
    assert path.read_bytes() == by_hand
    # reloaded, the same change goes through
    assert post(bench, PAGE, action, {"measure": "我的措施"}).status_code == 303
    assert "别人刚改的措施" in path.read_text(encoding="utf-8") and "我的措施" in path.read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize("csrf", [None, "", "0" * 64])
def test_a_form_without_the_pages_csrf_token_is_refused(
    client: Client, sample: CLI, csrf: str | None
) -> None:
    bench = client()
    page = bench.get(PAGE).text
    action = f"{PAGE}/update"
    fields = {**hidden(page, action), "measure": "伪造"}
    if csrf is None:
        del fields["csrf"]
    else:
        fields["csrf"] = csrf
    before = snapshot(sample.root)
    response = bench.post(action, data=fields, follow_redirects=False)
    assert response.status_code == 403 and "CSRF" in response.text
    assert snapshot(sample.root) == before


def test_a_token_from_another_session_is_refused(client: Client, sample: CLI) -> None:
    """Another browser's page (another session cookie) cannot lend its token."""
    mine, theirs = client(), client()
    action = f"{PAGE}/update"
    fields = {**hidden(theirs.get(PAGE).text, action), "measure": "借来的令牌"}
    mine.get(PAGE)
    before = snapshot(sample.root)
    assert mine.post(action, data=fields, follow_redirects=False).status_code == 403
    assert snapshot(sample.root) == before


def test_read_only_refuses_every_write_and_shows_no_form(client: Client, sample: CLI) -> None:
    bench = client(edit=False)
    page = bench.get(PAGE, params={"lang": "en"}).text
    assert '<form method="post"' not in page and "Read-only" in page
    before = snapshot(sample.root)
    for form in ("update", "extend", "milestone", "track", "evidence"):
        response = bench.post(f"{PAGE}/{form}", data={"measure": "x"}, follow_redirects=False)
        assert response.status_code == 403 and "read-only" in response.text, form
    assert bench.post("/years/2025/answer", data={"record": "2025-S2"}).status_code == 403
    assert snapshot(sample.root) == before


# --- the token rule ----------------------------------------------------------------------


def test_with_a_token_every_request_must_carry_it(client: Client) -> None:
    bench = client(token="s3cret-token")
    assert bench.get("/").status_code == 401
    assert bench.get("/static/style.css").status_code == 401
    assert bench.get("/", params={"token": "wrong"}).status_code == 401
    assert bench.get("/", params={"token": "s3cret-token", "as_of": AS_OF}).status_code == 200
    assert bench.get("/problems", params={"as_of": AS_OF}).status_code == 200  # the cookie carries it
    fresh = client(token="s3cret-token")
    assert fresh.get("/problems", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200


def test_with_a_token_a_post_without_it_is_refused(client: Client, sample: CLI) -> None:
    bench = client(token="s3cret-token")
    page = bench.get(PAGE, params={"token": "s3cret-token"}).text
    bench.cookies.delete("auditledger_token")
    before = snapshot(sample.root)
    action = f"{PAGE}/update"
    response = bench.post(action, data={**hidden(page, action), "measure": "x"}, follow_redirects=False)
    assert response.status_code == 401
    assert snapshot(sample.root) == before


def test_without_a_token_only_this_computer_is_answered(sample: CLI) -> None:
    with started(Workbench(sample.root), "http://evil.example") as other:
        assert other.get("/").status_code == 403


def test_serve_on_another_address_makes_a_token_and_prints_it(
    sample: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    started: list[tuple[object, str, int]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **kw: started.append((app, host, port)))
    run = sample("serve", "--host", "0.0.0.0", "--port", "9000")
    assert run.exit_code == 0, run.stderr
    token = re.search(r"http://0\.0\.0\.0:9000/\?token=([\w-]+)", run.stderr)
    assert token is not None and len(token.group(1)) >= 24
    app = started[0][0]
    assert app.state.bench.token == token.group(1) and not app.state.bench.edit  # type: ignore[attr-defined]
    local = sample("serve")
    assert "?token=" not in local.stderr and started[1][1] == "127.0.0.1" and started[1][2] == 8765


def test_git_commit_needs_edit(sample: CLI) -> None:
    run = sample("serve", "--git-commit", "张三")
    assert run.exit_code == 2 and "--git-commit needs --edit" in run.stderr


# --- git ---------------------------------------------------------------------------------


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def committed(sample: CLI) -> CLI:
    git(sample.root, "init", "-q")
    git(sample.root, "add", ".")
    git(sample.root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start")
    return sample


def test_git_commit_makes_each_change_one_commit_by_the_name_given(client: Client, committed: CLI) -> None:
    bench = client(author="张三")
    (committed.root / "notes.txt").write_text("not part of the change")
    response = post(bench, PAGE, f"{PAGE}/update", {"measure": "余下1项资金已下达", "date": "2026-11-20"})
    assert response.status_code == 303
    log = git(committed.root, "log", "--format=%an|%s", "-2").splitlines()
    assert log[0].startswith("张三|2025-002 2026-11-20 张三") and "余下1项资金已下达" in log[0]
    assert log[1] == "t|start"
    assert git(committed.root, "show", "--name-only", "--format=", "HEAD").split() == ["2025/czj.yaml"]
    assert "notes.txt" in git(committed.root, "status", "--porcelain")


def test_the_revision_picker_shows_the_ledger_as_committed(client: Client, committed: CLI) -> None:
    bench = client()
    post(bench, PAGE, f"{PAGE}/update", {"measure": "提交后的措施", "date": "2026-11-20"})
    git(committed.root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "second")
    now = bench.get(PAGE, params={"as_of": AS_OF}).text
    before = bench.get(PAGE, params={"as_of": AS_OF, "at": "HEAD~1"}).text
    assert "提交后的措施" in now and "提交后的措施" not in before
    assert '<form method="post"' not in before  # a past revision is read-only
    post(bench, PAGE, f"{PAGE}/update", {"measure": "第三次提交的措施", "date": "2026-11-21"})
    git(committed.root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "third")
    previous = bench.get(PAGE, params={"as_of": AS_OF, "at": "HEAD~1"}).text  # HEAD moved
    assert "提交后的措施" in previous and "第三次提交的措施" not in previous
    assert bench.get(PAGE, params={"at": "no-such-rev"}).status_code == 400


def test_the_readme_shows_the_conflict_refusal_as_it_reads(client: Client, sample: CLI) -> None:
    bench = client()
    page = bench.get(PAGE).text
    path = sample.root / CZJ_2025
    path.write_text(path.read_text(encoding="utf-8") + "\n")
    action = f"{PAGE}/update"
    said = text_of(bench.post(action, data={**hidden(page, action), "measure": "x"}).text)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    line = next(line.strip() for line in readme.splitlines() if "在你打开页面后已被修改" in line)
    assert line in said


def test_a_units_list_is_chosen_in_a_form_and_downloads_in_each_format(client: Client) -> None:
    from auditledger.web.app import DOWNLOADS

    bench = client()
    page = bench.get("/reports", params={"as_of": AS_OF}).text
    assert 'action="/reports/2025/unit"' in page
    for download in DOWNLOADS:
        assert f'<option value="{download.format}"' in page
        response = bench.get(
            "/reports/2025/unit",
            params={"as_of": AS_OF, "unit": "czj", "format": download.format, "download": "1"},
        )
        assert response.status_code == 200 and response.headers["content-type"] == download.media
        assert response.headers["content-disposition"].endswith(f"2025-unit-czj.{download.format}")
    assert (
        bench.get("/reports/2025/unit", params={"as_of": AS_OF, "unit": "czj", "format": "pdf"}).status_code
        == 404
    )


def test_the_check_page_lists_every_finding_with_its_place_and_documents_wait(
    client: Client, sample: CLI
) -> None:
    path = sample.root / CZJ_2025
    path.write_text(path.read_text(encoding="utf-8").replace("    unit: czj\n", "    unit: czjj\n", 1))
    bench = client()
    bench.get("/", params={"lang": "en"})
    said = sample("check", "--as-of", AS_OF).stdout.splitlines()
    page = text_of(bench.get("/check", params={"as_of": AS_OF}).text)
    assert "2 errors" in page and said[0].startswith(str(path)) and ":17:5: unknown-unit:" in said[0]
    for line in said[:-1]:
        assert line in page
    assert "The ledger has 2 errors." in text_of(bench.get("/", params={"as_of": AS_OF}).text)
    report = bench.get("/reports/2025/rectification.html", params={"as_of": AS_OF})
    assert report.status_code == 400 and "the ledger has 2 errors" in text_of(report.text)


def test_a_refused_answer_writes_nothing(client: Client, sample: CLI) -> None:
    bench = client()
    bench.get("/", params={"lang": "en"})
    before = snapshot(sample.root)
    year = "/years/2025"
    for fields, words in [
        ({"record": "2025-H1/Q1", "text": ""}, "write the answer to question 2025-H1/Q1"),
        ({"record": "2024-S1", "copied": "2026-10-08"}, "'2024-S1' is not a record of 2025"),
        ({"record": "2025-S9", "copied": "2026-10-08"}, "2025-S9"),
        ({"record": "2025-S1", "copied": "2026-13-08"}, "is not a valid date"),
    ]:
        response = post(bench, year, f"{year}/answer", fields)
        assert response.status_code == 400 and words in text_of(response.text), fields
    assert snapshot(sample.root) == before


def test_a_long_list_comes_in_pages_that_keep_the_filters(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditledger.web import app

    bench = client()
    every = ids(bench.get("/problems", params={"as_of": AS_OF, "year": "2024"}).text)
    monkeypatch.setattr(app, "PAGE_ROWS", 5)
    seen: set[str] = set()
    page = bench.get("/problems", params={"as_of": AS_OF, "year": "2024"}).text
    while True:
        on_page = ids(page)
        assert len(on_page) <= 5 and not on_page & seen
        seen |= on_page
        following = re.search(r'<a href="([^"]+)" rel="next">', page)
        if following is None:
            break
        assert "year=2024" in following.group(1) and f"as_of={AS_OF}" in following.group(1)
        page = bench.get(html.unescape(following.group(1))).text
    assert seen == every == {i for i in seen if i.startswith("2024-")} and len(seen) > 5
    assert bench.get("/problems", params={"as_of": AS_OF, "page": "99"}).status_code == 400


def test_the_dashboard_lists_the_most_overdue_and_counts_them_all(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditledger.web import app

    monkeypatch.setattr(app, "SHOWN_DUE", 3)
    page = client().get("/", params={"as_of": AS_OF}).text
    count = int(re.search(r'<div class="card overdue"><strong>(\d+)</strong>', page).group(1))  # type: ignore[union-attr]
    days = [int(d) for d in re.findall(r'<tr class="overdue">.*?逾期 (\d+) 天', page, re.S)]
    assert count > 3 and len(days) == 3 and days == sorted(days, reverse=True)
    assert f"最逾期的 3 项（共 {count} 项）" in text_of(page)


def test_no_such_page_carries_the_policy_too(client: Client) -> None:
    bench = client()
    for response in (bench.get("/nothing-here"), bench.get(f"{PAGE}/update")):
        assert response.status_code in (404, 405)
        assert "default-src 'none'" in response.headers["content-security-policy"]


def test_the_revision_picker_offers_the_latest_commits_only_in_git(client: Client, sample: CLI) -> None:
    assert 'name="at"' not in client().get("/", params={"as_of": AS_OF}).text
    git(sample.root, "init", "-q")
    git(sample.root, "add", ".")
    git(sample.root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "起始<版本>")
    page = client().get("/", params={"as_of": AS_OF}).text
    assert 'name="at"' in page and "起始&lt;版本&gt;" in page


def test_a_year_file_changed_since_the_page_was_loaded_is_refused(client: Client, sample: CLI) -> None:
    bench = client()
    bench.get("/", params={"lang": "en"})
    year = "/years/2025"
    page = bench.get(year).text
    path = sample.root / YEAR_2025
    path.write_text(path.read_text(encoding="utf-8") + "# 手工加的注释\n")
    by_hand = path.read_bytes()
    action = f"{year}/answer"
    fields = {**hidden(page, action), "record": "2025-S1", "copied": "2026-10-08"}
    response = bench.post(action, data=fields, follow_redirects=False)
    assert response.status_code == 409 and "2025/_year.yaml changed since you opened it" in response.text
    assert path.read_bytes() == by_hand


def test_a_bad_day_or_revision_in_the_address_is_said(client: Client) -> None:
    bench = client()
    response = bench.get("/", params={"as_of": "2024-13-01", "lang": "en"})
    assert response.status_code == 400 and "'2024-13-01' is not a valid date" in text_of(response.text)
    response = bench.get("/", params={"as_of": "2024-13-01", "lang": "zh"})
    assert response.status_code == 400 and "错误：" in text_of(response.text)


@pytest.mark.parametrize("back", ["//evil.example/", "/\\evil.example/", "https://evil.example/"])
def test_the_back_link_of_a_refusal_stays_on_the_workbench(client: Client, back: str) -> None:
    bench = client()
    page = bench.get(PAGE).text
    action = f"{PAGE}/update"
    fields = {**hidden(page, action), "back": back, "csrf": "forged"}
    response = bench.post(action, data=fields, follow_redirects=False)
    assert response.status_code == 403 and "evil.example" not in response.text
    assert re.search(r'<a href="/">', response.text)


def test_a_refused_change_shows_its_page_again_with_the_reason_on_top(client: Client) -> None:
    bench = client()
    bench.get("/", params={"lang": "en"})
    response = post(bench, PAGE, f"{PAGE}/update", {})
    assert response.status_code == 400
    page = response.text
    assert page.index('<div class="refusal"') < page.index("<h1>2025-002 ")
    assert "nothing to change for 2025-002" in text_of(page)
    assert 'action="/problems/2025-002/update"' in page  # the forms, to try again


def test_the_year_page_lists_the_years_own_deadlines(client: Client) -> None:
    page = client().get("/years/2025", params={"as_of": AS_OF}).text
    start = page.index('<table class="due">')
    due = page[start : page.index("</table>", start)]
    assert "2025-R1" in due and "2025-S1" in due and "2025-H1/Q1" in due
    assert not re.search(r">2025-\d{3}<", due)  # a problem's deadline is on the problem's page
