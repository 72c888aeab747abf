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
import browserInit from '../../../jupyter_worker/browser/__init__.py';
import codec from '../../../jupyter_worker/browser/codec.py';
import errors from '../../../jupyter_worker/browser/errors.py';
import jsmodule from '../../../jupyter_worker/browser/jsmodule.py';
import proxy from '../../../jupyter_worker/browser/proxy.py';
import sleep from '../../../jupyter_worker/browser/sleep.py';
import interrupts from '../../../jupyter_worker/browser/interrupts.py';
import connection from '../../../jupyter_worker/browser/connection.py';
import packages from '../../../jupyter_worker/browser/packages.py';
import comms from '../../../jupyter_worker/browser/comms.py';
import errorNames from '../../../jupyter_worker/browser/error_names.py';

/** Path below site-packages -> source. */
export const PYTHON_FILES: Record<string, string> = {
  'jupyter_worker/__init__.py': init,
  'jupyter_worker/_version.py': version,
  'jupyter_worker/constants.py': constants,
  'jupyter_worker/protocol.py': protocol,
  'jupyter_worker/timeouts.py': timeouts,
  'jupyter_worker/browser/__init__.py': browserInit,
  'jupyter_worker/browser/codec.py': codec,
  'jupyter_worker/browser/errors.py': errors,
  'jupyter_worker/browser/jsmodule.py': jsmodule,
  'jupyter_worker/browser/proxy.py': proxy,
  'jupyter_worker/browser/sleep.py': sleep,
  'jupyter_worker/browser/interrupts.py': interrupts,
  'jupyter_worker/browser/connection.py': connection,
  'jupyter_worker/browser/packages.py': packages,
  'jupyter_worker/browser/comms.py': comms,
  'jupyter_worker/browser/error_names.py': errorNames,
};
