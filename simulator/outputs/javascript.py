"""The Vega, Vega-Lite and vega-embed JavaScript that a self-contained HTML report inlines.

``vl-convert-python`` bundles the libraries, for the Vega-Lite version Altair writes specs for. Bundling takes
seconds (more on a busy machine), and its result depends only on the two packages' versions, so the bundle is kept
in the user's cache folder (``$XDG_CACHE_HOME/paperwork-sim``, by default ``~/.cache/paperwork-sim``) and made once
per machine and version; where the cache cannot be written, each process bundles once.
"""

from __future__ import annotations

import functools
import os
import secrets
from importlib.metadata import version
from pathlib import Path

import altair as alt

__all__ = ["cache_folder", "vega_bundle"]


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "paperwork-sim"


@functools.lru_cache(maxsize=1)
def vega_bundle() -> str:
    """The bundle's text: from the cache when it holds this version, else made and cached."""
    vega_lite = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])  # "6.4": what Altair writes specs for
    path = cache_folder() / f"vega-bundle-vl{vega_lite}-vlc{version('vl-convert-python')}.js"
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    import vl_convert  # only a report that inlines its JavaScript needs it

    # None is the documented default snippet (vegaEmbed as a global); the type stub does not allow for it.
    bundle: str = vl_convert.javascript_bundle(None, vl_version=vega_lite)  # type: ignore[arg-type]
    _store(path, bundle)
    return bundle


def _store(path: Path, text: str) -> None:
    """Write the cache file whole or not at all (a rename), so a concurrent reader never sees half of it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # no cache here: the next process bundles again
    finally:
        tmp.unlink(missing_ok=True)
