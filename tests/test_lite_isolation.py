"""What the Lite addon writes for cross-origin isolation: header files, service worker, pages."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jupyter_worker.constants import LITE_ISOLATION_DIR
from jupyter_worker.headers import htaccess_file, isolation_headers, netlify_headers_file
from jupyter_worker.lite import isolation
from jupyter_worker.lite.site import build_site

#: Skip copying the offline Pyodide: these tests look at other files.
NO_PYODIDE = "--JupyterWorkerAddon.pyodide_url=https://example.invalid/pyodide.mjs"

APP_PAGES = ("lab", "notebooks", "tree", "repl", "edit", "consoles")


@pytest.fixture(scope="module")
def default_site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("iso") / "site", options=[NO_PYODIDE])


def _prelude_headers(site):
    prelude = isolation.service_worker_prelude(site / isolation.SERVICE_WORKER)
    return None if prelude is None else prelude["headers"]


def test_header_files_hold_the_headers(default_site):
    headers = isolation_headers("credentialless")
    netlify = (default_site / "_headers").read_text(encoding="utf-8")
    assert netlify_headers_file(headers) in netlify
    assert "/*\n  Cross-Origin-Opener-Policy: same-origin\n" in netlify
    assert "  Cross-Origin-Embedder-Policy: credentialless\n" in netlify
    apache = (default_site / ".htaccess").read_text(encoding="utf-8")
    assert htaccess_file(headers) in apache
    assert 'Header always set Cross-Origin-Embedder-Policy "credentialless"' in apache


def test_service_worker_imports_the_isolation_script_first(default_site):
    text = (default_site / "service-worker.js").read_text(encoding="utf-8")
    assert _prelude_headers(default_site) == isolation_headers("credentialless")
    prelude_end = text.index("// <<< jupyter-worker")
    assert f'importScripts("./{LITE_ISOLATION_DIR}/sw.js")' in text[:prelude_end]
    # JupyterLite's own worker is still all there, after the prelude
    assert "/api/drive" in text[prelude_end:]
    for name in isolation.SCRIPTS:
        assert (default_site / LITE_ISOLATION_DIR / name).stat().st_size > 0


@pytest.mark.parametrize("app", APP_PAGES)
def test_every_app_page_loads_page_js_before_anything_else(default_site, app):
    page = default_site / app / "index.html"
    text = page.read_text(encoding="utf-8")
    first = text[text.index("<script") :]
    first = first[: first.index("</script>")]
    assert f'src="../{LITE_ISOLATION_DIR}/page.js"' in first
    assert 'data-service-worker="../service-worker.js?enableCache=false"' in first
    assert text.count(isolation.PAGE_MARKER) == 1


def test_user_files_are_left_alone(tmp_path):
    contents = tmp_path / "contents"
    contents.mkdir()
    page = '<html><head><script id="jupyter-config-data" data-jupyter-lite-root=".">'
    (contents / "index.html").write_text(page + "{}</script></head></html>", encoding="utf-8")
    site = build_site(tmp_path / "site", [contents], options=[NO_PYODIDE])
    assert isolation.PAGE_MARKER not in (site / "files" / "index.html").read_text()


def test_require_corp_everywhere(tmp_path):
    site = build_site(
        tmp_path / "site",
        options=[NO_PYODIDE, "--JupyterWorkerAddon.embedder_policy=require-corp"],
    )
    assert _prelude_headers(site)["Cross-Origin-Embedder-Policy"] == "require-corp"
    assert "Cross-Origin-Embedder-Policy: require-corp" in (site / "_headers").read_text()


def test_options_off_write_nothing_and_a_rebuild_undoes_them(tmp_path):
    # the same output folder, built with everything on, then rebuilt with it off
    # (from a clean lite folder, as build_site does: state left in the output only)
    site = tmp_path / "site"
    lite = tmp_path / "lite"
    lite.mkdir()

    def build(*options):
        cmd = [sys.executable, "-m", "jupyterlite_core", "build", "--output-dir", str(site)]
        subprocess.run([*cmd, NO_PYODIDE, *options], cwd=lite, check=True, capture_output=True)

    build()
    assert _prelude_headers(site) is not None
    build("--no-worker-isolation-fallback", "--JupyterWorkerAddon.header_files=False")
    assert _prelude_headers(site) is None
    assert "jupyter-worker" not in (site / "service-worker.js").read_text(encoding="utf-8")
    assert isolation.service_worker_is_patched(site / "service-worker.js", None, None)
    for app in APP_PAGES:
        assert isolation.PAGE_MARKER not in (site / app / "index.html").read_text()
    assert not (site / "_headers").exists()
    assert not (site / ".htaccess").exists()


def test_bad_policy_fails_the_build_clearly(tmp_path):
    with pytest.raises(RuntimeError, match="unknown embedder policy 'unsafe-none'"):
        build_site(
            tmp_path / "site",
            options=[NO_PYODIDE, "--JupyterWorkerAddon.embedder_policy=unsafe-none"],
        )


def test_own_header_rules_are_kept(tmp_path):
    path = tmp_path / "_headers"
    path.write_text("/docs/*\n  X-Frame-Options: DENY\n", encoding="utf-8")
    headers = isolation_headers("credentialless")
    isolation.write_header_files(tmp_path, headers)
    isolation.write_header_files(tmp_path, headers)  # idempotent
    text = path.read_text(encoding="utf-8")
    assert text.count("Cross-Origin-Opener-Policy") == 1
    assert text.endswith("/docs/*\n  X-Frame-Options: DENY\n")
    isolation.write_header_files(tmp_path, None)
    assert path.read_text(encoding="utf-8") == "/docs/*\n  X-Frame-Options: DENY\n"


def test_a_site_without_service_worker_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"service-worker\.js is missing"):
        isolation.patch_service_worker(tmp_path / "service-worker.js", {})


@pytest.mark.parametrize(
    ("config", "query"),
    [({}, "enableCache=false"), ({"enableServiceWorkerCache": True}, "enableCache=true")],
)
def test_service_worker_url_matches_jupyterlites(config, query):
    assert isolation.enable_cache_query(config) == query


def test_readme_shows_the_headers_we_send():
    root = Path(__file__).parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    block = "\n".join(f"{name}: {value}" for name, value in isolation_headers().items())
    assert f"```\n{block}\n```" in readme
    deploy = (root / "docs" / "deploy.md").read_text(encoding="utf-8")
    for name, value in isolation_headers().items():
        assert f"add_header {name} {value} always;" in deploy


def test_the_prelude_keeps_strict_mode_and_a_failed_import_only_warns(tmp_path):
    worker = tmp_path / "service-worker.js"
    # like JupyterLite's: a directive, then code that is strict only if it stays first
    worker.write_text('"use strict";self.strict = (function () { return this === undefined; })();')
    isolation.patch_service_worker(worker, isolation_headers("credentialless"))
    assert worker.read_text(encoding="utf-8").startswith('"use strict";')
    assert isolation.service_worker_is_patched(worker, isolation_headers("credentialless"))
    # run it as a browser would when our sw.js is missing (a partial deploy)
    script = (
        "globalThis.self = globalThis; const warned = [];"
        "console.warn = (...args) => warned.push(args.join(' '));"
        "globalThis.importScripts = () => { throw new Error('NetworkError: 404'); };"
        # the worker as a script of its own, as the browser runs it
        "require('vm').runInThisContext(require('fs').readFileSync(process.argv[1], 'utf8'));"
        "console.log(JSON.stringify({strict: self.strict, warned}));"
    )
    result = subprocess.run(
        ["node", "-e", script, str(worker)], capture_output=True, text=True, check=True, timeout=60
    )
    outcome = json.loads(result.stdout)
    assert outcome["strict"] is True
    assert "its service worker script did not load" in outcome["warned"][0]
