"""The isolation headers, per embedder policy."""

import pytest

from jupyter_worker.headers import isolation_headers


@pytest.mark.parametrize("policy", ["credentialless", "require-corp"])
def test_headers_per_policy(policy):
    assert isolation_headers(policy) == {
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Embedder-Policy": policy,
        "Cross-Origin-Resource-Policy": "cross-origin",
    }


def test_default_policy_is_credentialless():
    assert isolation_headers()["Cross-Origin-Embedder-Policy"] == "credentialless"


def test_unknown_policy_is_named():
    with pytest.raises(ValueError, match=r"unsafe-none.*credentialless, require-corp"):
        isolation_headers("unsafe-none")


def test_resource_policy_is_cross_origin_for_sites_and_chosen_for_servers():
    assert isolation_headers()["Cross-Origin-Resource-Policy"] == "cross-origin"
    same = isolation_headers(resource_policy="same-origin")
    assert same["Cross-Origin-Resource-Policy"] == "same-origin"
    with pytest.raises(ValueError, match="unknown resource policy 'same-site'"):
        isolation_headers(resource_policy="same-site")
