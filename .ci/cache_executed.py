"""Put the notebooks nbval executed (``_build/executed``) into the Jupyter Book execution cache.

The book build (``execute_notebooks: cache``) then finds a cached, executed version of every
chapter whose code is unchanged and does not run it again. A notebook missing here (it failed
under nbval, or nbval did not run) is simply executed by the book build as usual.
"""

from __future__ import annotations

import sys
from pathlib import Path

from jupyter_cache import get_cache

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    executed = ROOT / "_build" / "executed"
    cache = get_cache(ROOT / "_build" / ".jupyter_cache")
    added = 0
    for path in sorted(executed.rglob("*.ipynb")):
        cache.cache_notebook_file(path, uri=str(ROOT / path.relative_to(executed)), check_validity=False,
                                  overwrite=True)
        added += 1
    print(f"cached {added} executed notebook(s) for the book build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
