/**
 * The Python that runs inside the worker's Pyodide: the `jupyter_worker`
 * package's in-browser half, shipped as text in the worker bundle and written
 * into Pyodide's site-packages at start (no fetch, no wheel).
 */
import init from '../../../jupyter_worker/__init__.py';
import version from '../../../jupyter_worker/_version.py';
import constants from '../../../jupyter_worker/constants.py';
import protocol from '../../../jupyter_worker/protocol.py';
import timeouts from '../../../jupyter_worker/timeouts.py';
import workerInit from '../../../jupyter_worker/worker/__init__.py';
import codec from '../../../jupyter_worker/worker/codec.py';
import errors from '../../../jupyter_worker/worker/errors.py';
import jsmodule from '../../../jupyter_worker/worker/jsmodule.py';
import proxy from '../../../jupyter_worker/worker/proxy.py';
import sleep from '../../../jupyter_worker/worker/sleep.py';
import interrupts from '../../../jupyter_worker/worker/interrupts.py';
import connection from '../../../jupyter_worker/worker/connection.py';
import packages from '../../../jupyter_worker/worker/packages.py';
import comms from '../../../jupyter_worker/worker/comms.py';
import errorNames from '../../../jupyter_worker/worker/error_names.py';
import spawn from '../../../jupyter_worker/worker/spawn.py';
import crossing from '../../../jupyter_worker/worker/crossing.py';
import futures from '../../../jupyter_worker/worker/futures.py';
import pool from '../../../jupyter_worker/worker/pool.py';
import pyscript from '../../../jupyter_worker/worker/pyscript.py';
import batching from '../../../jupyter_worker/worker/batching.py';
import batches from '../../../jupyter_worker/worker/batches.py';
import drawing from '../../../jupyter_worker/worker/drawing.py';
import deferredImports from '../../../jupyter_worker/worker/deferred_imports.py';

/** Path below site-packages -> source. */
export const PYTHON_FILES: Record<string, string> = {
  'jupyter_worker/__init__.py': init,
  'jupyter_worker/_version.py': version,
  'jupyter_worker/constants.py': constants,
  'jupyter_worker/protocol.py': protocol,
  'jupyter_worker/timeouts.py': timeouts,
  'jupyter_worker/worker/__init__.py': workerInit,
  'jupyter_worker/worker/codec.py': codec,
  'jupyter_worker/worker/errors.py': errors,
  'jupyter_worker/worker/jsmodule.py': jsmodule,
  'jupyter_worker/worker/proxy.py': proxy,
  'jupyter_worker/worker/sleep.py': sleep,
  'jupyter_worker/worker/interrupts.py': interrupts,
  'jupyter_worker/worker/connection.py': connection,
  'jupyter_worker/worker/packages.py': packages,
  'jupyter_worker/worker/comms.py': comms,
  'jupyter_worker/worker/error_names.py': errorNames,
  'jupyter_worker/worker/spawn.py': spawn,
  'jupyter_worker/worker/crossing.py': crossing,
  'jupyter_worker/worker/futures.py': futures,
  'jupyter_worker/worker/pool.py': pool,
  'jupyter_worker/worker/pyscript.py': pyscript,
  'jupyter_worker/worker/batching.py': batching,
  'jupyter_worker/worker/batches.py': batches,
  'jupyter_worker/worker/drawing.py': drawing,
  'jupyter_worker/worker/deferred_imports.py': deferredImports,
  // `import pyscript` is that module (PyScript's names, for code written for it)
  'pyscript/__init__.py':
    'import sys\nimport jupyter_worker.worker.pyscript as _names\n\nsys.modules[__name__] = _names\n',
};
