"""The no-network guarantee: the public suffix list is tldextract's bundled snapshot, nothing is
fetched, nothing is written, and tldextract is not imported with mamori.entities."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

_PROBE = textwrap.dedent(
    """
    import socket, sys

    def refuse(*args, **kwargs):
        raise OSError("network used")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse

    import mamori.entities.urls as urls
    assert "tldextract" not in sys.modules, "tldextract imported at import time"
    from mamori.entities import classify, find_urls

    found = find_urls("詳しくは https://www.myna.go.jp/ と hxxps://myna-go[.]jp[.]example[.]top/ へ")
    assert [m.registered_domain for m in found] == ["myna.go.jp", "example.top"], found
    assert classify("www.city.yokohama.lg.jp").official
    assert classify("kojinbango-card.go.jp.example.top").codes == ("gov_suffix_embedded", "lookalike")
    print("ok")
    """
)


def test_no_network_no_cache_no_heavy_import(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "TLDEXTRACT_CACHE": str(home / "tldextract"),
        # an explicit suffix_list_urls=() must win over the environment
        "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "https://publicsuffix.invalid/list.dat",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    assert list(home.rglob("*")) == [], "something was written to the cache or home directory"
