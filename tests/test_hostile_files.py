"""A hostile scenario file, link or upload cannot make ftcost read a server file, crash or hang.

* `training.dataset` is a path inside the scenario file's own folder: absolute paths, `..`, NUL bytes and
  symlinks out of the folder are refused in one sentence that echoes no server path; a scenario that
  arrives by link (or upload, or from the gallery) has no folder on the server, so only the names of
  the samples ftcost ships resolve.
* Files are watched with a Python audit hook ("open" events): a sentinel file outside the folder is
  never opened, in this process and in a served app.
* TOML nested 500 deep, a price date at the end of the calendar, and `ftcost report` on a pipe, a
  symlink loop, /proc/self/mem or a 5,000-character name are each one sentence (CLI exit 2; in the app
  a sentence and the rest of the page working).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
import uuid
import zlib
from pathlib import Path

import pytest
from conftest import REPO
from streamlit.testing.v1 import AppTest

from ftcost.cli import main
from ftcost.errors import DatasetFileError, ScenarioError
from ftcost.measure_training import measured_plan
from ftcost.scenario import dataset_path, default_scenario, gallery, load_scenario, parse_scenario
from ftcost.share import PARAM, decode_link

APP = str(REPO / "app.py")
AIRPORT_TOML = gallery()["airport"].read_text(encoding="utf-8")
SAMPLE = dataset_path(default_scenario()).read_bytes()
DAY = dt.date(2026, 11, 21)

# --- a watch on every file this process opens ---------------------------------------------------------------

OPENED: list[str] = []


def _audit(event: str, args: tuple) -> None:
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        OPENED.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)  # hooks cannot be removed; this one only records


@pytest.fixture
def sentinel(tmp_path) -> Path:
    """A valid training file outside every scenario folder, with a name and a line count found nowhere else."""
    folder = tmp_path / f"outside-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    path = folder / "ftcost-sentinel.jsonl"
    lines = SAMPLE.splitlines()
    path.write_bytes(b"\n".join((lines * 4)[:37]) + b"\n")  # 37 examples: a count no shipped sample has
    OPENED.clear()
    return path


def never_opened(path: Path) -> None:
    touched = [p for p in OPENED if Path(p).name == path.name or str(path) in p]
    assert not touched, touched


def with_dataset(name: str, text: str = AIRPORT_TOML) -> str:
    return text.replace('dataset = "airport/train.jsonl"', f"dataset = {json.dumps(name)}")


def link_of(text: str) -> str:
    """A share link's payload for arbitrary TOML text (encode_link only takes valid scenarios)."""
    return "1." + base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 9)).decode().rstrip("=")


# --- the dataset name: a path inside the scenario's folder -----------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "/etc/passwd",
        "../../../../etc/passwd",
        "airport/../../pricing/models.toml",
        "C:\\Windows\\win.ini",
        "\\\\server\\share\\train.jsonl",
        "train\x00.jsonl",
        "..\\..\\secret.jsonl",
    ],
)
def test_a_dataset_name_that_leaves_its_folder_is_one_sentence_without_the_path(name):
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(with_dataset(name), "hostile.toml")
    message = str(raised.value)
    assert message.startswith("hostile.toml: training.dataset: should be") and "\n" not in message
    assert "passwd" not in message and "pricing" not in message and "secret" not in message and "\\" not in message


def test_a_link_naming_a_server_file_is_refused_and_reads_nothing(sentinel):
    for name in (str(sentinel), "/etc/passwd", os.path.relpath(sentinel, REPO / "scenarios")):
        with pytest.raises(ScenarioError) as raised:
            decode_link(link_of(with_dataset(name)))
        assert str(sentinel.parent) not in str(raised.value) and "passwd" not in str(raised.value)
    never_opened(sentinel)


def test_a_scenario_with_no_folder_resolves_only_shipped_samples(sentinel):
    # A link, an upload or the gallery: a relative name that is not a shipped sample names no file at all,
    # even one that exists in scenarios/ (a .toml) or elsewhere.
    for name in ("airport.toml", "marv/airport.toml", sentinel.name, "reviews/train.jsonl.bak"):
        scenario = parse_scenario(with_dataset(name))
        with pytest.raises(DatasetFileError, match="not one ftcost ships"):
            dataset_path(scenario)
        with pytest.raises(DatasetFileError, match="not one ftcost ships"):
            measured_plan(scenario, DAY)
    for path in gallery().values():
        shipped = load_scenario(path)
        assert dataset_path(shipped) == (path.parent / shipped.training.dataset).resolve()
    never_opened(sentinel)


def test_a_symlink_out_of_the_scenario_folder_is_refused(sentinel, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "data").symlink_to(sentinel.parent, target_is_directory=True)
    path = folder / "plan.toml"
    path.write_text(with_dataset(f"data/{sentinel.name}"), encoding="utf-8")
    scenario = load_scenario(path)
    with pytest.raises(DatasetFileError) as raised:
        measured_plan(scenario, DAY, folder=folder)
    assert "leaves the scenario's folder" in str(raised.value) and str(tmp_path) not in str(raised.value)
    never_opened(sentinel)


def test_a_sample_inside_the_scenario_folder_is_measured(tmp_path):
    folder = tmp_path / "team"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "train.jsonl").write_bytes(SAMPLE)
    (folder / "plan.toml").write_text(with_dataset("data/train.jsonl"), encoding="utf-8")
    here = measured_plan(load_scenario(folder / "plan.toml"), DAY, folder=folder)
    shipped = measured_plan(default_scenario(), DAY)
    assert [o.one_off_usd for o in here.options] == [o.one_off_usd for o in shipped.options]


def test_the_engine_reads_no_files_and_no_clock():
    import ast

    forbidden = {"pathlib", "os", "io", "open", "ftcost.dataset.analysis", "ftcost.data", "time"}
    for path in (REPO / "src" / "ftcost" / "engine").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert not {a.name for a in node.names} & forbidden, path
            elif isinstance(node, ast.ImportFrom):
                assert node.module not in forbidden, path
                assert not (
                    node.module == "ftcost.dataset" and {"analyze_file", "analyze_bytes"} & {a.name for a in node.names}
                ), path
                assert not (
                    node.module == "ftcost.scenario"
                    and {"dataset_path", "load_scenario"} & {a.name for a in node.names}
                ), path
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                assert node.func.attr not in {"today", "now", "read_bytes", "read_text"}, (path, node.func.attr)


# --- crashes and hangs, in the CLI: one sentence and exit 2 -----------------------------------------------------

NESTED = "schema_version = 1\nname = " + "[" * 500 + "]" * 500 + "\n"
FAR_DATE = AIRPORT_TOML.replace("horizon_months", "as_of = 9999-12-31\nhorizon_months", 1)
FAR_HORIZON = AIRPORT_TOML.replace("horizon_months = 12", "as_of = 9995-01-01\nhorizon_months = 120")


def _cli_child(args: list[str], timeout: int = 120) -> subprocess.CompletedProcess:
    script = "import sys\nfrom ftcost.cli import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=timeout)


def _one_sentence(result_code: int, err: str, says: str) -> None:
    assert result_code == 2, err
    assert "Traceback" not in err and err.startswith("ftcost: ") and err.count("\n") == 1, err
    assert says in err, err


@pytest.mark.parametrize(
    "label, text, says",
    [
        ("nested 500 deep", NESTED, "nested too deeply"),
        ("as_of at the end of the calendar", FAR_DATE, "after 2999-12-31"),
        ("9995 with a 120-month horizon", FAR_HORIZON, "after 2999-12-31"),
    ],
)
def test_report_on_a_hostile_scenario_is_one_sentence(label, text, says, tmp_path, capsys):
    path = tmp_path / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    code = main(["report", str(path)])
    _one_sentence(code, capsys.readouterr().err, says)


def test_report_with_a_price_date_past_the_calendar_is_one_sentence(capsys):
    code = main(["report", "airport", "--as-of", "9999-12-31"])
    _one_sentence(code, capsys.readouterr().err, "after 2999-12-31")


@pytest.mark.slow  # ~3.5 s: each special file goes through a whole report
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
def test_report_on_special_files_is_one_sentence(tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    loop = tmp_path / "loop.toml"
    loop.symlink_to(loop)
    cases = [
        (fifo, "is a named pipe, not a regular file"),
        (loop, "cannot be read"),
        (tmp_path / ("n" * 5000 + ".toml"), "cannot be read"),
    ]
    if Path("/proc/self/mem").exists():
        cases.append((Path("/proc/self/mem"), "/proc/self/mem"))
    for path, says in cases:
        result = _cli_child(["report", str(path)])  # a child: a hang fails the test instead of blocking it
        _one_sentence(result.returncode, result.stderr, says)
        assert result.stdout == "" and len(result.stderr) < 600


def test_report_on_a_scenario_whose_sample_is_a_pipe_is_one_sentence(tmp_path):
    os.mkfifo(tmp_path / "train.jsonl")
    (tmp_path / "plan.toml").write_text(with_dataset("train.jsonl"), encoding="utf-8")
    result = _cli_child(["report", str(tmp_path / "plan.toml")])
    _one_sentence(result.returncode, result.stderr, "is a named pipe")


# --- crashes in the app: a sentence, and the rest of the page working ---------------------------------------


def _start(query: dict | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if query:
        at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at


def _working(at: AppTest) -> None:
    """The sidebar, the navigation and the default scenario's plan are all there."""
    assert at.sidebar.selectbox(key="gallery_pick") is not None
    assert at.title[0].value == default_scenario().name
    # The answer is there: a payback metric, or (on a date when no fine-tune can be carried out) the base to stay on.
    assert any(m.label == "Break-even" for m in at.metric) or any(
        "stay on a base model" in m.value for m in at.markdown
    )


@pytest.mark.app
@pytest.mark.parametrize(
    "label, text, says",
    [
        ("nested 500 deep", NESTED, "nested too deeply"),
        ("as_of at the end of the calendar", FAR_DATE, "after 2999-12-31"),
        ("9995 with a 120-month horizon", FAR_HORIZON, "after 2999-12-31"),
        ("an absolute dataset path", with_dataset("/etc/passwd"), "not an absolute path"),
        ("a dataset path with ..", with_dataset("../../../etc/passwd"), "without '..'"),
        ("a NUL byte in the dataset name", with_dataset("train\x00.jsonl"), "contains a NUL byte"),
    ],
)
def test_a_hostile_link_is_a_sentence_and_the_app_works(label, text, says):
    at = _start({PARAM: link_of(text)})
    errors = " ".join(e.value for e in at.error)
    assert says in errors and "default scenario" in errors
    assert "passwd" not in errors
    _working(at)


@pytest.mark.app
@pytest.mark.parametrize(
    "label, text, says",
    [
        ("nested 500 deep", NESTED, "nested too deeply"),
        ("as_of at the end of the calendar", FAR_DATE, "after 2999-12-31"),
    ],
)
def test_a_hostile_scenario_upload_is_a_sentence_and_the_app_works(label, text, says):
    at = _start()
    at.sidebar.file_uploader(key="scenario_upload").upload("hostile.toml", text.encode(), "application/toml").run()
    assert not at.exception, at.exception
    assert any(says in e.value for e in at.error), [e.value for e in at.error]
    _working(at)


@pytest.mark.app
def test_a_link_naming_an_unshipped_sample_reads_nothing_and_says_so(sentinel):
    at = _start({PARAM: link_of(with_dataset(sentinel.name))}, "ui/page_dataset.py")
    infos = " ".join(i.value for i in at.info)
    assert "not one ftcost ships" in infos
    at.switch_page("ui/page_plan.py").run()
    assert not at.exception, at.exception
    assert any("Upload the training file" in e.value for e in at.error)
    at.switch_page("ui/page_live.py").run()
    assert not at.exception, at.exception
    never_opened(sentinel)


# --- a served app, opened in Chromium with crafted links -----------------------------------------------------

HOOK = textwrap.dedent("""
    import os, sys
    _log = os.environ["FTCOST_OPEN_LOG"]
    def _audit(event, args):
        if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            name = os.fsdecode(args[0])
            if "ftcost-sentinel" in name or name == "/etc/passwd":
                with open(_log, "a") as f:  # an open of the log itself is not logged (no match)
                    f.write(name + "\\n")
    sys.addaudithook(_audit)
""")


@pytest.mark.browser
def test_a_served_app_opened_with_crafted_links_reads_no_file_outside(sentinel, tmp_path):
    from playwright.sync_api import expect, sync_playwright
    from served_app import CHROMIUM, FLAGS, need_chromium, serve_app

    need_chromium()
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    log = tmp_path / "opened.log"
    log.write_text("")
    env = dict(
        os.environ,
        FTCOST_OPEN_LOG=str(log),
        PYTHONPATH=os.pathsep.join([str(hooks), *filter(None, [os.environ.get("PYTHONPATH")])]),
    )
    links = [
        link_of(with_dataset("/etc/passwd")),
        link_of(with_dataset(str(sentinel))),
        link_of(with_dataset(os.path.relpath(sentinel, REPO / "scenarios"))),
        link_of(with_dataset(sentinel.name)),
    ]
    with serve_app(env) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            for payload in links:
                for page_path in ("", "dataset"):
                    page = browser.new_page()
                    page.goto(f"{url}/{page_path}?{PARAM}={payload}", timeout=120_000)
                    alert = page.locator('[data-testid="stAlert"]').first
                    expect(alert).to_be_visible(timeout=120_000)
                    page.wait_for_timeout(1500)  # let the page finish its run
                    text = page.inner_text("body")
                    assert "Traceback" not in text
                    assert "passwd" not in text and str(sentinel.parent) not in text and "37" not in text.split()
                    assert sentinel.name not in text or payload == links[-1]  # the last names only a file name
                    page.close()
        finally:
            browser.close()
    assert log.read_text() == "", log.read_text()
