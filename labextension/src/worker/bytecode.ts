/**
 * The bytecode of the worker's own Python files (`pyfiles.ts`), compiled by
 * the labextension's build (`scripts/worker-bytecode.mjs`) and served next to
 * the worker's script: a start writes each `.pyc` beside its source, so that
 * importing them compiles nothing. Checked against the source at import: one
 * that does not match (another build's) is ignored and the source compiles.
 */

/** The file next to the worker's script. */
export const BYTECODE_FILE = 'jupyter-worker-bytecode.json';

/** What the build wrote. */
export interface IWorkerBytecode {
  /** The `__pycache__` file names' tag (`sys.implementation.cache_tag`). */
  cacheTag: string;
  /** Path below site-packages -> its `.pyc`, base64. */
  files: Record<string, string>;
}

/**
 * The build's bytecode of the worker's Python files; null if there is none
 * (a build without it) or it cannot be read: the sources then compile as before.
 */
export async function fetchWorkerBytecode(): Promise<IWorkerBytecode | null> {
  try {
    const response = await fetch(new URL(BYTECODE_FILE, self.location.href));
    if (!response.ok) {
      return null;
    }
    const bytecode = (await response.json()) as IWorkerBytecode;
    return typeof bytecode.cacheTag === 'string' && typeof bytecode.files === 'object'
      ? bytecode
      : null;
  } catch {
    return null;
  }
}

/** Where the `.pyc` of `path` (a module below site-packages) goes, below site-packages. */
export function cachedPath(path: string, cacheTag: string): string {
  const slash = path.lastIndexOf('/');
  const stem = path.slice(slash + 1).replace(/\.py$/, '');
  return `${path.slice(0, slash + 1)}__pycache__/${stem}.${cacheTag}.pyc`;
}

/** The bytes of a `.pyc` in base64. */
export function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }
  return bytes;
}
