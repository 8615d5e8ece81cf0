"""Prompt files developers edit, and their loader.

Each prompt is a Markdown file with `$name` placeholders (string.Template). A draft
records the prompt's name and content hash so a reviewer can tell which text wrote it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from string import Template


@dataclass(frozen=True)
class Prompt:
    name: str
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()[:16]

    def render(self, **values: str) -> str:
        """Fill every placeholder; a missing one is an error, not a silent gap."""
        return Template(self.text).substitute(**values)


def load_prompt(name: str) -> Prompt:
    """Read prompts/<name>.md fresh each time, so edits apply without a restart."""
    text = (resources.files("prompts") / f"{name}.md").read_text(encoding="utf-8")
    return Prompt(name=name, text=text)
