"""What the tests and the benchmarks share: the browser, sites, servers, notebooks.

``tests/`` is on ``sys.path`` for the tests (pytest's rootdir conftest) and
for the benchmarks (``benchmarks/harness.py`` puts it there), so both import
``support.<module>``.
"""
