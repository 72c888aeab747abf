"""The HTTP headers that make a page cross-origin isolated.

``SharedArrayBuffer`` (and so the synchronous DOM proxy and real interrupts)
exists only on pages with ``crossOriginIsolated === true``, which needs these
headers on the page and on every worker script it starts.
"""

from __future__ import annotations

from .constants import EMBEDDER_POLICIES

#: ``Cross-Origin-Resource-Policy`` values (``same-site`` is not offered: a
#: site's other origins are no reason to widen it).
RESOURCE_POLICIES = ("cross-origin", "same-origin")


def isolation_headers(
    embedder_policy: str = "credentialless", resource_policy: str = "cross-origin"
) -> dict[str, str]:
    """Return the headers that make a page cross-origin isolated.

    Parameters
    ----------
    embedder_policy
        The ``Cross-Origin-Embedder-Policy`` value: ``"credentialless"`` keeps
        third-party images without CORP headers working (they load without
        cookies), ``"require-corp"`` blocks them.
    resource_policy
        The ``Cross-Origin-Resource-Policy`` value: who may load the responses
        into their pages. The page's own isolation does not need it (its
        resources are same-origin): ``"cross-origin"`` lets other isolated
        sites embed the files (a public Lite site); ``"same-origin"`` keeps
        them to the site (a Jupyter server's API and files).

    Returns
    -------
    dict
        Header name to value.

    Raises
    ------
    ValueError
        If ``embedder_policy`` is not one of :data:`~jupyter_worker.constants.EMBEDDER_POLICIES`
        or ``resource_policy`` not one of :data:`RESOURCE_POLICIES`.
    """
    if embedder_policy not in EMBEDDER_POLICIES:
        choices = ", ".join(EMBEDDER_POLICIES)
        msg = f"unknown embedder policy {embedder_policy!r}: choose one of {choices}"
        raise ValueError(msg)
    if resource_policy not in RESOURCE_POLICIES:
        msg = f"unknown resource policy {resource_policy!r}: choose one of {RESOURCE_POLICIES}"
        raise ValueError(msg)
    return {
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Embedder-Policy": embedder_policy,
        "Cross-Origin-Resource-Policy": resource_policy,
    }


def netlify_headers_file(headers: dict[str, str]) -> str:
    """Return ``headers`` for every path, in the ``_headers`` format.

    Netlify and Cloudflare Pages read a ``_headers`` file at the site root.

    Parameters
    ----------
    headers
        Header name to value, e.g. from :func:`isolation_headers`.
    """
    lines = ["/*", *(f"  {name}: {value}" for name, value in headers.items())]
    return "\n".join(lines) + "\n"


def htaccess_file(headers: dict[str, str]) -> str:
    """Return ``headers`` for every response, as Apache ``.htaccess`` directives.

    Apache reads them when ``mod_headers`` is on and ``AllowOverride`` permits.

    Parameters
    ----------
    headers
        Header name to value, e.g. from :func:`isolation_headers`.
    """
    lines = [
        "<IfModule mod_headers.c>",
        *(f'  Header always set {name} "{value}"' for name, value in headers.items()),
        "</IfModule>",
    ]
    return "\n".join(lines) + "\n"
