"""docs/INSTALL.md as steps a test performs literally: its fenced blocks and what they say to do.

A `console` block is commands (`$ ` lines, run in the project folder, with Hamlet's source in
`../hamlet`) and what they print (the other lines). A block with `title="PATH"
mode="append|replace"` is that file's new end or whole text. `variant="NAME"` puts a block on
that path only; blocks without one are on every path.
"""

from __future__ import annotations

import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.install.conftest import record_timing

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "INSTALL.md"
_FENCE = re.compile(r"^(`{3,})(.*)$")
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
ELLIPSIS = "…"


@dataclass(frozen=True)
class Block:
    language: str
    attributes: dict[str, str]
    text: str
    line: int  # where the block starts in the guide, for failure messages

    @property
    def variant(self) -> str | None:
        return self.attributes.get("variant")

    @property
    def is_step(self) -> bool:
        return self.language == "console" or "title" in self.attributes


@dataclass
class Command:
    command: str
    expected_output: list[str] = field(default_factory=list)


def blocks(guide: Path = GUIDE) -> list[Block]:
    """Return every fenced block of the guide, in order."""
    found: list[Block] = []
    lines = guide.read_text().splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence, info = opening.groups()
        language, _, rest = info.strip().partition(" ")
        end = index + 1
        while not lines[end].startswith(fence):
            end += 1
        text = "\n".join(lines[index + 1 : end]) + "\n"
        found.append(Block(language, dict(_ATTRIBUTE.findall(rest)), text, index + 1))
        index = end + 1
    return found


def steps(variant: str | None = None, guide: Path = GUIDE) -> list[Block]:
    """Return the steps of the plain path, plus those of `variant`, in the guide's order."""
    return [b for b in blocks(guide) if b.is_step and b.variant in (None, variant)]


def commands(block: Block) -> list[Command]:
    """Return a console block's commands, each with the output lines shown under it."""
    found: list[Command] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            found.append(Command(line[2:]))
        elif found:
            found[-1].expected_output.append(line)
    return found


def write_file(block: Block, project: Path) -> None:
    """Append the block to its file or replace the file with it, as its mode says."""
    path = project / block.attributes["title"]
    mode = block.attributes["mode"]
    if mode == "replace":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(block.text)
    elif mode == "append":
        before = path.read_text()
        path.write_text(before.rstrip("\n") + "\n\n" + block.text)
    else:
        raise ValueError(f"INSTALL.md line {block.line}: unknown mode {mode!r}")


def assert_output_shown(command: Command, output: str) -> None:
    """Assert that the lines the guide shows appear in the output, in order.

    Blank lines and lines of "…" stand for any lines; a line ending in "…" for any line
    starting with it. Leading and trailing whitespace is not compared.
    """
    actual = [line.strip() for line in output.splitlines()]
    position = 0
    for expected in command.expected_output:
        expected = expected.strip()
        if expected in ("", ELLIPSIS):
            continue
        start = expected.removesuffix(ELLIPSIS).rstrip()
        matches = (
            [i for i in range(position, len(actual)) if actual[i].startswith(start)]
            if expected.endswith(ELLIPSIS)
            else [i for i in range(position, len(actual)) if actual[i] == expected]
        )
        assert matches, f"`{command.command}` did not print {expected!r} (in order):\n{output}"
        position = matches[0] + 1


def run_commands(block: Block, project: Path, env: dict[str, str]) -> list[str]:
    """Run a console block's commands in `project` with bash; return each one's output.

    Each command must exit with the block's `exit` (default 0) and print the lines the guide
    shows.
    """
    outputs: list[str] = []
    for command in commands(block):
        started = time.monotonic()
        result = subprocess.run(
            ["bash", "-c", command.command],
            cwd=project,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=600,
        )
        expected_exit = int(block.attributes.get("exit", "0"))
        assert result.returncode == expected_exit, (
            f"INSTALL.md line {block.line}: `{command.command}` exited {result.returncode}, "
            f"not {expected_exit}:\n{result.stdout}"
        )
        assert_output_shown(command, result.stdout)
        outputs.append(result.stdout)
        record_timing(f"  $ {command.command}", started)
    return outputs


def follow(path: list[Block], project: Path, env: dict[str, str]) -> list[str]:
    """Perform the steps in order in `project`; return the outputs of the commands run."""
    outputs: list[str] = []
    for block in path:
        if block.language == "console":
            outputs += run_commands(block, project, env)
        else:
            write_file(block, project)
    return outputs
