// @ts-check
const { CopyRspackPlugin } = require('@rspack/core');
// Extra rules for bundling @jupyterlite/pyodide-kernel inside our labextension;
// they mirror the rules of its own extension (pyodide-kernel-extension/webpack.config.js).

module.exports = /** @type { import('@rspack/core').Configuration } */ ({
  devtool: 'source-map',
  optimization: {
    // The worker bundles contain hash-like strings: a real content hash of them
    // is circular (https://github.com/jupyterlab/jupyterlab/issues/18245).
    realContentHash: false,
  },
  plugins: [
    // The kernel's bundled index (pypi/all.json) names wheels that no module
    // imports; copy them so the index is complete on its own.
    new CopyRspackPlugin({
      patterns: [
        {
          from: 'node_modules/@jupyterlite/pyodide-kernel/pypi/*.whl',
          to: 'pypi/[name][ext]',
        },
        // The isolation scripts of Lite sites (service-worker fallback): the
        // build addon copies them from here into each site it builds.
        {
          from: 'lib/isolation-dist/*.js',
          to: 'isolation/[name][ext]',
        },
        // The worker's Python files' bytecode (scripts/worker-bytecode.mjs),
        // next to the worker's script, which fetches it at start.
        {
          from: 'lib/worker/jupyter-worker-bytecode.json',
          to: '[name][ext]',
        },
      ],
    }),
  ],
  module: {
    rules: [
      {
        // Prebuilt, self-contained module workers (ours and upstream's): copy them
        // as files; the kernel starts them with new Worker(url, { type: 'module' }).
        test: /\.worker\.js$/,
        type: 'asset/resource',
        generator: { filename: '[name].[contenthash][ext]' },
      },
      {
        // The kernel's own wheels (piplite, pyodide-kernel, ipykernel shim).
        test: /pypi\/.*/,
        type: 'asset/resource',
        generator: { filename: 'pypi/[name][ext][query]' },
      },
      {
        test: /schema\/.*/,
        type: 'asset/resource',
        generator: { filename: 'schema/[name][ext][query]' },
      },
    ],
  },
});
