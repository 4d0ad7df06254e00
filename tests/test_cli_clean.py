"""`cleaner clean FILE|-`: readable and JSON output, exit codes, standard input."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTICLE = FIXTURES / "datelines" / "reuters_london.txt"
HTML = FIXTURES / "html" / "en_news_page.html"
CLEANER = Path(sys.executable).with_name("cleaner")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["clean", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_readable_output(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, str(ARTICLE))
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Title:    Oil prices slip as traders await OPEC+ decision on output"
    assert "Dateline: 'LONDON, Nov 27 (Reuters) -' (location='LONDON', agency='Reuters', date='Nov 27')" in lines
    assert "Metadata: language=en" in lines
    assert any(ln.startswith("Oil prices edged lower on Monday") for ln in lines)
    assert "Removed 1 line(s):" in lines
    assert "     8 [advertisement/phrase:ad-label] Advertisement" in lines
    assert out.endswith("\n")


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, str(ARTICLE), "--json")
    assert status == 0 and err == ""
    data = json.loads(out)
    assert list(data) == ["title", "subtitle", "dateline", "body", "paragraphs", "removed", "metadata", "format"]
    assert data["dateline"]["agency"] == "Reuters"
    assert data["removed"] == [{"text": "Advertisement", "category": "advertisement", "rule": "phrase:ad-label",
                                "line": 8}]
    assert data["body"] == "\n\n".join(data["paragraphs"])


def test_json_keeps_non_ascii_readable(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, str(FIXTURES / "languages" / "fr_article.txt"), "--json")
    assert status == 0
    assert "Île-de-France" in out and "\\u" not in out


def test_no_removed(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, str(ARTICLE), "--no-removed")
    assert status == 0 and "Removed" not in out
    status, out, _ = run(capsys, str(ARTICLE), "--no-removed", "--json")
    assert json.loads(out)["removed"] == []


def test_url_is_recorded(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, str(ARTICLE), "--json", "--url", "https://example.com/oil")
    assert status == 0 and json.loads(out)["metadata"]["url"] == "https://example.com/oil"
    status, out, _ = run(capsys, str(ARTICLE), "--url", "https://example.com/oil")
    assert "url=https://example.com/oil" in out


def test_html_file_and_format_option(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, str(HTML), "--json")
    data = json.loads(out)
    assert status == 0 and data["format"] == "html"
    assert data["title"] == "Coastal town votes to ban cars from its historic centre"
    assert data["metadata"]["author"] == "Emily Hart"
    status, out, _ = run(capsys, str(HTML), "--json", "--format", "text")
    assert status == 0 and json.loads(out)["format"] == "text"


def test_fast_engine(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("resiliparse")
    status, out, _ = run(capsys, str(HTML), "--json", "--fast")
    assert status == 0 and "Residents of St Aldwyn voted" in json.loads(out)["body"]


def test_standard_input(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ARTICLE.read_bytes())))
    status, out, _ = run(capsys, "-", "--json")
    assert status == 0 and json.loads(out)["title"].startswith("Oil prices slip")


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"),
    (b"  \n\n \t\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    (b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n", "binary"),
])
def test_refused_input_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes,
                               message: str) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(content)
    status, out, err = run(capsys, str(path))
    assert status == 1 and out == ""
    assert err.startswith(f"cleaner: {path}: ") and message in err and "Traceback" not in err


def test_refused_standard_input_names_it(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    status, out, err = run(capsys, "-")
    assert status == 1 and out == "" and err.startswith("cleaner: -: ")


def test_unreadable_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, err = run(capsys, str(tmp_path / "missing.txt"))
    assert status == 2 and out == ""
    assert "cannot read" in err and "No such file" in err
    status, _, err = run(capsys, str(tmp_path))
    assert status == 2 and "cannot read" in err


@pytest.mark.parametrize("argv", [[], ["--format", "pdf", "x.txt"], ["--bogus", "x.txt"]])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["clean", *argv])
    assert info.value.code == 2
    assert "usage: cleaner" in capsys.readouterr().err


# --- as a command (a subprocess: the real stdin, stdout and exit status) ---------------------


def command(*argv: str, stdin: bytes = b"", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(CLEANER), "clean", *argv], input=stdin, capture_output=True, timeout=60,
                          env={**os.environ, **(env or {})}, check=False)


@pytest.mark.skipif(not CLEANER.exists(), reason="the cleaner console script is not installed beside python")
def test_command_reads_stdin_in_a_legacy_encoding_and_survives_an_ascii_terminal() -> None:
    text = ("Le comité reporte la réunion\n"
            "Le comité a reporté jeudi la réunion prévue avec les syndicats, a annoncé le ministère mardi soir.\n"
            "« Nous avons besoin de plus de temps », a déclaré la ministre, qui espère un accord rapide.\n"
            "Les syndicats ont dénoncé une décision prise sans concertation et menacent d'une grève.\n")
    done = command("-", stdin=text.encode("cp1252"), env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode("ascii")
    assert "Title:    Le comit\\xe9 reporte la r\\xe9union" in out
    assert "\\xab Nous avons besoin" in out


@pytest.mark.skipif(not CLEANER.exists(), reason="the cleaner console script is not installed beside python")
def test_command_exit_codes_and_a_closed_pipe() -> None:
    refused = command("-", stdin=b"")  # (exit 0 and 2 are covered in-process above)
    assert refused.returncode == 1 and b"empty" in refused.stderr
    # the reader goes away after the first bytes (`cleaner clean big.txt | head -c 1`): no traceback
    big = (ARTICLE.read_text(encoding="utf-8") + "\n") * 200
    proc = subprocess.Popen([str(CLEANER), "clean", "-", "--json"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.write(big.encode("utf-8"))
    proc.stdin.close()
    proc.stdout.read(1)
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(timeout=60)
    assert b"Traceback" not in err and proc.returncode == 0
