"""Everything jupyter-worker adds to a JupyterLite site at build time."""
