"""Where the project's bundled data lives.

The package is installed editable (see README), so `resources/` and `corpus/` stay beside it in
the source tree, where people edit schemas and patterns without hunting through site-packages.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESOURCES = PROJECT_ROOT / "resources"
CORPUS = PROJECT_ROOT / "corpus"
DEFAULT_SCHEMA = RESOURCES / "schemas" / "news.toml"
