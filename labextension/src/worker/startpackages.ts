/**
 * The kernel's start-up packages, loaded with Pyodide itself. Upstream's start
 * installs them one after the other once Pyodide runs (micropip, then piplite
 * with micropip, then ipykernel, comm, pyodide-kernel, jedi and IPython with
 * piplite, each asking its indexes first); passed to `loadPyodide` as
 * `packages`, they download while Pyodide starts and install from the lock at
 * once, and upstream's start skips the ones it finds there ("preloaded").
 * Only the packages the site's lock has: the build puts upstream's kernel
 * wheels in it (`jupyter_worker/lite/kernel_wheels.py`).
 */

/** What upstream's start installs, by lock name; micropip is in every lock. */
const KERNEL_PACKAGES = ['piplite', 'ipykernel', 'comm', 'pyodide-kernel', 'jedi', 'ipython'];

/**
 * Whether `preloaded` (the packages `loadPyodide` loaded) has micropip and all
 * the kernel's packages: upstream's start then installs none of them.
 */
export function kernelPackagesPreloaded(preloaded: string[]): boolean {
  return ['micropip', ...KERNEL_PACKAGES].every((name) => preloaded.includes(name));
}

/** The options of a start this module reads and extends. */
interface IStartOptions {
  indexUrl: string;
  loadPyodideOptions?: Record<string, unknown>;
}

/**
 * `options` with the kernel packages of the site's lock added to
 * `loadPyodideOptions.packages` (micropip always). A lock that cannot be read
 * adds none but micropip (the start then installs the rest as upstream's does,
 * and reports what fails).
 */
export async function withStartPackages<T extends IStartOptions>(
  options: T,
): Promise<T & { loadPyodideOptions: Record<string, unknown> & { packages: string[] } }> {
  const given = options.loadPyodideOptions ?? {};
  const packages = new Set([...((given.packages as string[] | undefined) ?? []), 'micropip']);
  for (const name of await lockedKernelPackages(options)) {
    packages.add(name);
  }
  return { ...options, loadPyodideOptions: { ...given, packages: [...packages] } };
}

/** The kernel packages the site's lock names. */
async function lockedKernelPackages(options: IStartOptions): Promise<string[]> {
  const given = options.loadPyodideOptions?.lockFileURL;
  const url =
    typeof given === 'string'
      ? given
      : new URL('pyodide-lock.json', new URL(options.indexUrl, self.location.href)).href;
  try {
    const response = await fetch(url);
    if (!response.ok) {
      return [];
    }
    const lock = (await response.json()) as { packages?: Record<string, unknown> };
    return KERNEL_PACKAGES.filter((name) => lock.packages?.[name] !== undefined);
  } catch {
    return [];
  }
}
