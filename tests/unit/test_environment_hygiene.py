"""The user's shell must not change what is measured or where the harness connects: an
orchestrator's own settings from the shell are dropped (and named), and local addresses
never go through a proxy."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading

from bench.kit.envs import process_env
from bench.kit.home import REPO
from bench.kit.manifest import implementations, load_manifest


def test_stray_settings_are_dropped_and_named_and_the_configs_win(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ORCH__CORE__PARALLELISM", "1")
    monkeypatch.setenv("ORCH_HOME", "/home/me/orch")
    monkeypatch.setenv("NO_PROXY", "intranet.example")
    env = process_env(tmp_path, {"ORCH__CORE__DEBUG": "0"}, strip=["ORCH_"])
    assert "ORCH__CORE__PARALLELISM" not in env and "ORCH_HOME" not in env
    assert env["ORCH__CORE__DEBUG"] == "0"  # the config's own setting is passed on
    assert capsys.readouterr().err.count("ORCH_HOME") == 1
    for key in ("NO_PROXY", "no_proxy"):
        assert env[key].split(",")[:2] == ["intranet.example", "127.0.0.1"]


def test_every_config_setting_that_is_a_variable_has_a_declared_prefix():
    """A manifest that sets orchestrator variables must declare them as its own, or a
    stray one in the user's shell would slip through."""
    for name in implementations():
        manifest = load_manifest(name)
        prefixes = tuple(manifest["services"].get("environment", []))
        for config in manifest["configs"].values():
            for key in config["settings"]:
                if key.isupper():
                    assert prefixes and key.startswith(prefixes), (name, key)


def test_local_calls_ignore_a_proxy(tmp_path):
    """In a fresh interpreter (urllib reads the proxy variables when its opener is built):
    a proxy that nothing serves, and no `no_proxy`."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "http_proxy")}
    env["http_proxy"] = "http://127.0.0.1:9"
    call = f"request_json('GET', 'http://127.0.0.1:{server.server_port}/', timeout=5)"
    try:
        done = subprocess.run(
            [sys.executable, "-c", f"from bench.kit.http import request_json; print({call})"],
            env=env,
            capture_output=True,
            text=True,
            cwd=REPO,
        )
    finally:
        server.shutdown()
    assert done.stdout.strip() == "(200, {'ok': True})", done.stderr[-500:]


class _Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args):
        pass


def test_a_service_gets_what_it_needs_from_the_shell_not_its_secrets(tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s3cr3t")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.setenv("https_proxy", "http://proxy.example:3128")
    env = process_env(tmp_path, {"GITHUB_TOKEN": "the config's own"})
    assert "AWS_SECRET_ACCESS_KEY" not in env
    assert env["GITHUB_TOKEN"] == "the config's own"  # what the adapter sets is passed
    assert env["LC_ALL"] == "C.UTF-8" and env["HOME"] == os.environ["HOME"]
    assert env["https_proxy"] == "http://proxy.example:3128"
    assert env["PATH"].startswith(str(tmp_path / "bin"))
