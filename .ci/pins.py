"""Print the pip pins of environment.yml (``name==version`` lines), for ``pip install -c``.

Dependency-free on purpose: it runs with the system Python before the venv exists.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^\s+-\s+([A-Za-z0-9_.\-\[\]]+==[^\s#]+)\s*(#.*)?$")


def pins(text: str) -> list[str]:
    return [m.group(1) for line in text.splitlines() if (m := PIN.match(line))]


if __name__ == "__main__":
    found = pins((ROOT / "environment.yml").read_text(encoding="utf-8"))
    if not found:
        sys.exit("environment.yml: no name==version pins found")
    print("\n".join(found))
