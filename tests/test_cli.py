import json
import subprocess
import sys

import pytest

from unspin.cli import cli, main


def run(args, stdin=None):
    return subprocess.run([sys.executable, "-m", "unspin.cli", *args], input=stdin,
                          capture_output=True, timeout=120, check=False)


def test_lexicon_json(capsys):
    assert main(["lexicon", "volition", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["word"] == "volition"
    will = {"word": "will", "relation": "synonym", "weight": 1.0, "pos": "n"}
    assert will in data["restores_from"]
    assert all({"word", "relation", "weight"} <= set(x) for x in data["spins_to"])


def test_lexicon_lists_the_broader_words_a_word_may_narrow(capsys):
    assert main(["lexicon", "blunder"]) == 0
    listing = capsys.readouterr().out
    assert "narrowed from" in listing
    assert any(line.split()[:2] == ["error", "hyponym"] for line in listing.splitlines())


def test_lexicon_lists_the_moby_headwords_a_word_may_come_from(capsys):
    assert main(["lexicon", "savvy", "--limit", "500"]) == 0
    listing = capsys.readouterr().out
    assert "moby from" in listing
    assert any(line.split()[:2] == ["smart", "moby_synonym"] for line in listing.splitlines())


@pytest.mark.parametrize("args, message", [
    (["lexicon", "  "], "give a word"),
    (["lexicon", "volition", "--limit", "-1"], "--limit"),
])
def test_lexicon_rejects_a_blank_word_and_a_negative_limit(args, message, capsys):
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_spin_json_roundtrip():
    text = "The new leader will hold talks in Moscow."
    result = run(["spin", "-", "--rate", "0.5", "--seed", "4", "--json"], stdin=text.encode())
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    from unspin import Edit, apply_edits
    edits = [Edit(e["start"], e["end"], e["spun"], e["original"]) for e in data["edits"]]
    assert apply_edits(data["text"], edits) == text


def test_spin_from_moby():
    from unspin import spin
    text = "The new leader will hold talks in Moscow about the trade war."
    result = run(["spin", "-", "--rate", "0.5", "--seed", "3", "--thesaurus", "moby"],
                 stdin=text.encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == spin(text, 0.5, seed=3, thesaurus="moby").text != text


@pytest.mark.parametrize("args, stdin, message", [
    (["spin", "/no/such/file"], None, b"cannot read /no/such/file"),
    (["spin", "-"], b"\x00\x01binary", b"binary"),
    (["spin", "-"], b"caf\xe9", b"not UTF-8"),
    (["spin", "-", "--rate", "2"], b"x", b"rate"),
    (["eval", "--rates", "abc"], None, b"--rates"),
    (["spin", "-", "--thesaurus", "roget"], b"x", b"--thesaurus"),
    (["detect", "--fast", "-"], b"", b"standard input: the text is empty"),
    (["detect", "--fast", "-"], b" \n\t\n", b"the text is empty"),
    (["restore", "-"], b"\n", b"the text is empty"),
])
def test_bad_input_gives_a_message_and_exit_2(args, stdin, message):
    result = run(args, stdin)
    assert result.returncode == 2
    assert message in result.stderr
    assert b"Traceback" not in result.stderr


def test_a_broken_pdf_gets_one_line_of_error(tmp_path):
    # pypdf logs every repair it tries; the user should see only what went wrong.
    broken = tmp_path / "paper.pdf"
    broken.write_bytes(b"hello, not a PDF")
    result = run(["detect", "--fast", str(broken)])
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"unspin: error: {broken} is not a readable PDF")


def test_every_command_has_help():
    for name, command in cli.commands.items():
        assert command.help and "Example:" in command.help, name


def test_the_thesaurus_choices_are_the_spinners():
    from unspin.spin import THESAURI

    for name in ("spin", "eval"):
        option = next(p for p in cli.commands[name].params if p.name == "thesaurus")
        assert tuple(option.type.choices) == THESAURI
