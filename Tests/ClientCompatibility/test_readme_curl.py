"""The curl examples of README.md and docs/, run as written against a live gateway (only its address changed): each must
answer 200 with a body that reads as what it says it is. Examples with placeholders (`…`, `<cursor>`, `$VAR`)
and those for the admin API or the simulator's control API are left to the tests of those features."""

import json
import re
import subprocess
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
PAGES = [REPOSITORY / "README.md", *sorted((REPOSITORY / "docs").glob("*.md"))]


def readme_examples():
    examples = []
    blocks = [block for page in PAGES for block in re.findall(r"```sh\n(.*?)```", page.read_text(), flags=re.S)]
    for block in blocks:
        command = ""
        for line in block.splitlines():
            command += line.rstrip("\\").strip() + " " if line.rstrip().endswith("\\") else line.strip()
            if not line.rstrip().endswith("\\"):
                if command.startswith("curl ") and ":8080" in command and not re.search(r"…|<|\$", command):
                    examples.append(command.split("  #")[0].strip())
                command = ""
    return examples


EXAMPLES = readme_examples()


def test_the_readme_has_examples_to_run():
    assert len(EXAMPLES) >= 8, EXAMPLES


@pytest.mark.parametrize("example", EXAMPLES)
def test_a_readme_example_answers_as_documented(gateway_url, example, tmp_path):
    command = re.sub(r"(http://)?(localhost|127\.0\.0\.1):8080", gateway_url, example)
    command = re.sub(r"\s*>\s*\S+$", "", command)  # the example saves to a file: the test reads the body instead
    body = tmp_path / "body"
    command = command.replace("curl ", f"curl -sS --compressed -o {body} -w '%{{http_code}}' ", 1)
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "200", f"{example}\n{result.stdout} {body.read_text()[:500]}"
    text = body.read_text()
    if "format=csv" in example:
        assert text.startswith("id,") or text.splitlines()[0].count(",") > 3
    elif "format=ndjson" in example:
        assert all(json.loads(line)["id"] for line in text.splitlines())
    elif "-D -" not in example and not example.startswith("curl -I "):
        document = json.loads(text)
        if {"records", "recs"} & set(document):
            records = document.get("records") or document.get("recs")
            assert records, f"{example} answered no records"
        elif "result" in document:
            # an NHM action: a search's records, or what the action answers (a count, versions, an extent)
            result = document["result"]
            assert document["success"] is True, example
            if isinstance(result, dict) and "records" in result:
                assert result["records"], f"{example} answered no records"
            else:
                assert result, f"{example} answered an empty result"
        else:
            assert document, f"{example} answered an empty document"
