/**
 * The kernel's start-up packages, loaded with Pyodide itself. Upstream's start
 * installs them one after the other once Pyodide runs (micropip, then piplite
 * with micropip, then ipykernel, comm, pyodide-kernel, jedi and IPython with
 * piplite, each asking its indexes first); here they download while Pyodide
 * starts and install from the lock at once, and upstream's start skips the
 * ones it finds there ("preloaded"). Only the packages the site's lock has:
 * the build puts upstream's kernel wheels in it
 * (`jupyter_worker/lite/kernel_wheels.py`).
 *
 * When they and their dependencies are all pure-Python wheels of the lock,
 * the start fetches and unpacks them itself (`wheeltree.ts`); else they go
 * to `loadPyodide` as `packages`.
 */
import type { IWheel } from './wheeltree';

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

/** A wheel of the site's lock the start installs. */
export interface IStartWheel {
  /** Its name in the lock. */
  name: string;
  fileName: string;
  url: string;
  sha256: string;
}

/** A start's packages. */
export interface IStartPlan<T> {
  /**
   * The start's options, with the kernel packages of the site's lock added to
   * `loadPyodideOptions.packages` (micropip always). A lock that cannot be
   * read adds none but micropip (the start then installs the rest as
   * upstream's does, and reports what fails).
   */
  options: T & { loadPyodideOptions: Record<string, unknown> & { packages: string[] } };
  /**
   * The wheels of the added packages and of their dependencies, when all of
   * them are pure-Python wheels of the lock; else null.
   */
  wheels: IStartWheel[] | null;
}

/** The lock entries this module reads. */
interface ILockEntry {
  file_name?: string;
  sha256?: string;
  depends?: string[];
  package_type?: string;
  shared_library?: boolean;
}

/** The packages of a start with `options` (see `IStartPlan`). */
export async function planStart<T extends IStartOptions>(options: T): Promise<IStartPlan<T>> {
  const given = options.loadPyodideOptions ?? {};
  const packages = new Set([...((given.packages as string[] | undefined) ?? []), 'micropip']);
  const lockUrl = lockUrlOf(options);
  const lock = await readLock(lockUrl);
  const added = ['micropip', ...KERNEL_PACKAGES.filter((name) => lock?.[name] !== undefined)];
  for (const name of added) {
    packages.add(name);
  }
  const base = typeof given.packageBaseUrl === 'string' ? given.packageBaseUrl : lockUrl;
  return {
    options: { ...options, loadPyodideOptions: { ...given, packages: [...packages] } },
    wheels: lock && !given.lockFileContents ? pureWheels(lock, added, base) : null,
  };
}

/**
 * Download `wheel`, checked against its lock's sha256 as Pyodide's loader
 * does (unless `checkIntegrity` is false).
 */
export async function fetchWheel(wheel: IStartWheel, checkIntegrity = true): Promise<IWheel> {
  const { name, fileName, url, sha256 } = wheel;
  const init: RequestInit = checkIntegrity ? { integrity: `sha256-${base64(sha256)}` } : {};
  const response = await fetch(url, init);
  if (!response.ok) {
    throw new Error(`${fileName}: ${response.status} ${response.statusText}`);
  }
  return { name, fileName, sha256, bytes: new Uint8Array(await response.arrayBuffer()) };
}

/** Where the site's lock is, as Pyodide finds it. */
function lockUrlOf(options: IStartOptions): string {
  const given = options.loadPyodideOptions?.lockFileURL;
  return typeof given === 'string'
    ? new URL(given, self.location.href).href
    : new URL('pyodide-lock.json', new URL(options.indexUrl, self.location.href)).href;
}

/** The packages of the lock at `url`, or null if it cannot be read. */
async function readLock(url: string): Promise<Record<string, ILockEntry> | null> {
  try {
    const response = await fetch(url);
    if (!response.ok) {
      return null;
    }
    const lock = (await response.json()) as { packages?: Record<string, ILockEntry> };
    return lock.packages ?? null;
  } catch {
    return null;
  }
}

/**
 * The wheels of `names` and their dependencies in `lock` (file names relative
 * to `base`), or null if one is missing or not a pure-Python wheel.
 */
function pureWheels(
  lock: Record<string, ILockEntry>,
  names: string[],
  base: string,
): IStartWheel[] | null {
  const wheels = new Map<string, IStartWheel>();
  const todo = [...names];
  for (let name = todo.pop(); name !== undefined; name = todo.pop()) {
    if (wheels.has(name)) {
      continue;
    }
    const entry = lock[name] as ILockEntry | undefined;
    const fileName = entry?.file_name;
    const pure =
      fileName?.endsWith('-none-any.whl') &&
      (entry?.package_type ?? 'package') === 'package' &&
      !entry?.shared_library &&
      typeof entry?.sha256 === 'string';
    if (!entry || !fileName || !pure) {
      return null;
    }
    const url = new URL(fileName, base).href;
    wheels.set(name, { name, fileName, url, sha256: String(entry.sha256) });
    todo.push(...(entry.depends ?? []).map(canonicalName));
  }
  return [...wheels.values()];
}

/**
 * A package's name as the lock's keys spell it (`depends` may not: PEP 503's
 * normal form, which Pyodide's loader uses too).
 */
function canonicalName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** A hex digest in base64 (as subresource integrity writes it). */
function base64(hex: string): string {
  const bytes = hex.match(/../g)?.map((pair) => parseInt(pair, 16)) ?? [];
  return btoa(String.fromCharCode(...bytes));
}
