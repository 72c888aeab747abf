"""``jupyter worker``: build and serve the offline JupyterLite demo, or serve any built site."""

from __future__ import annotations

import argparse
import sys
import tempfile
import textwrap
from pathlib import Path

from .constants import EMBEDDER_POLICIES
from .lite.extra_packages import PackageResolutionError
from .lite.site import build_site
from .static_server import is_loopback, make_server

DEMO_CONTENTS = Path(__file__).parent / "demo"

#: The notebook ``jupyter worker demo`` opens.
DEMO_NOTEBOOK = "worker-kernel.ipynb"

#: Pure-Python packages the demo site ships (resolved by pip at build time).
DEMO_PACKAGES = ("ipywidgets",)


def _package_failure(message: str) -> str | None:
    """The reason a build could not ship a package, from its output; None if it failed otherwise."""
    marker = f"{PackageResolutionError.__name__}: "
    start = message.find(marker)
    if start < 0:
        return None
    return message[start + len(marker) :].split("\n\n", 1)[0].strip()


def build_demo(out: Path) -> Path:
    """Build the demo site in ``out`` (replaced) and return it.

    It ships :data:`DEMO_PACKAGES` (``--JupyterWorkerAddon.packages``), which pip
    resolves with its usual configuration. If pip cannot (no network, no
    index), a warning says so and the site is built without them.
    """
    options = [f"--JupyterWorkerAddon.packages={name}" for name in DEMO_PACKAGES]
    try:
        return build_site(out, [DEMO_CONTENTS], options=options)
    except RuntimeError as error:
        reason = _package_failure(str(error))
        if reason is None:
            raise
    names = ", ".join(DEMO_PACKAGES)
    print(
        f"WARNING: the demo site does not ship {names}: pip could not get the wheels "
        "(no network or no package index?):\n"
        f"{textwrap.indent(reason, '  ')}\n"
        f"Building it without them; in the notebook, run `%pip install {names}` "
        "(online) before the widget cells.",
        file=sys.stderr,
        flush=True,
    )
    return build_site(out, [DEMO_CONTENTS])


def _serve(root: Path, args: argparse.Namespace, path: str = "") -> None:
    server = make_server(
        root,
        host=args.host,
        port=args.port,
        isolated=not args.no_isolation,
        embedder_policy=args.embedder_policy,
    )
    if not is_loopback(args.host):
        print(
            f"WARNING: serving on {args.host}, not a loopback address: anyone who can reach "
            "this machine can read the site. Use --host 127.0.0.1 unless you mean that.",
            file=sys.stderr,
            flush=True,
        )
    port = server.server_address[1]
    state = "not isolated" if args.no_isolation else f"isolated, COEP {args.embedder_policy}"
    query = f"?path={path}" if path else ""
    shown = f"[{args.host}]" if ":" in args.host else args.host  # an IPv6 address in a URL
    url = f"http://{shown}:{port}/lab/index.html{query}"
    print(f"Serving {root} ({state}) at {url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _demo(args: argparse.Namespace) -> None:
    out = Path(args.output_dir) if args.output_dir else Path(tempfile.mkdtemp()) / "site"
    print(f"Building the offline JupyterLite demo site in {out} ...", flush=True)
    build_demo(out)
    _serve(out, args, DEMO_NOTEBOOK)


def _serve_cmd(args: argparse.Namespace) -> None:
    _serve(Path(args.site), args)


def _options(_args: argparse.Namespace) -> None:
    # `jupyter server --help-all` lists only the server's own classes (no
    # extension's options appear there, JupyterLab's neither), so list ours here.
    from .lite.addon import JupyterWorkerAddon
    from .magic.magics import WorkerMagics
    from .serverext import WorkerServerApp

    for cls in (WorkerServerApp, JupyterWorkerAddon, WorkerMagics):
        print(cls.class_get_help())


def _port(text: str) -> int:
    """A TCP port number (0-65535), for argparse."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:  # noqa: PLR2004 - the TCP port range
        msg = f"not a port number (0-65535): {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return port


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser of ``jupyter worker``."""
    parser = argparse.ArgumentParser(prog="jupyter worker", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def server_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", default="127.0.0.1", help="address to listen on")
        p.add_argument("--port", type=_port, default=8000, help="port (0 picks a free one)")
        p.add_argument(
            "--no-isolation",
            action="store_true",
            help=(
                "do not send cross-origin-isolation headers, like a plain static host "
                "(a site built with the service-worker fallback then isolates itself "
                "after one reload; without it the DOM proxy fails)"
            ),
        )
        p.add_argument(
            "--embedder-policy",
            choices=EMBEDDER_POLICIES,
            default="credentialless",
            help="Cross-Origin-Embedder-Policy when isolated",
        )

    demo = sub.add_parser("demo", help="build the offline demo site and serve it")
    demo.add_argument("--output-dir", help="where to build the site (default: a temp folder)")
    server_options(demo)
    demo.set_defaults(func=_demo)

    serve = sub.add_parser("serve", help="serve a built JupyterLite site")
    serve.add_argument("site", help="the folder `jupyter lite build` wrote")
    server_options(serve)
    serve.set_defaults(func=_serve_cmd)
    options = sub.add_parser(
        "options",
        help="list the configurable options (server extension and Lite build addon)",
    )
    options.set_defaults(func=_options)
    return parser


def main(argv: list[str] | None = None) -> None:
    """Run ``jupyter worker``."""
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except (FileNotFoundError, RuntimeError, OSError, ValueError) as error:
        sys.exit(f"jupyter worker: {error}")


if __name__ == "__main__":
    main()
