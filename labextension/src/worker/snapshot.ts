/**
 * Memory snapshots of a started kernel: Pyodide's heap once the kernel stack
 * is imported, plus the files the start installed (a heap snapshot holds no
 * file system), kept in the browser's Cache Storage. A kernel started from one
 * skips the package installs and imports of IPython (`remote.ts`).
 *
 * Pyodide's snapshot API is private (`_makeSnapshot`, `makeMemorySnapshot`,
 * `_loadSnapshot`): anything unexpected here is an error the start catches,
 * and the kernel then starts normally.
 */
import { PYTHON_FILES } from './pyfiles';
import type { ISiteFs } from './sitefiles';
import type { ModuleFactory } from './wasmmodule';
import { readTree, writeTree } from './sitefiles';

/** The Cache Storage cache that holds the snapshots of this site. */
export const SNAPSHOT_CACHE = 'jupyter-worker-snapshots';

/** Bumped when what a snapshot holds or how a start uses it changes. */
const FORMAT = 1;

/** The first word of a stored snapshot ("jwsn" read as a big-endian number). */
const MAGIC = 0x6a77736e;

/** A JavaScript object a snapshot's Python refers to: a property of Pyodide's API objects. */
interface ISerializedRef {
  /** `api`, `public`: a property `key` of Pyodide's API objects; `gone`: none, `key` says what it was. */
  root: 'api' | 'public' | 'gone';
  key: string;
}

/** The parts of a Pyodide instance a snapshot reads and restores. */
export interface ISnapshotPyodide {
  FS: ISiteFs;
  loadedPackages: Record<string, string>;
  lockfile: { packages: Record<string, { sha256: string } | undefined> };
  makeMemorySnapshot(options: { serializer: (obj: unknown) => unknown }): Uint8Array;
  runPython(code: string): unknown;
  _api: Record<string, unknown> & {
    public_api: Record<string, unknown>;
    sitePackages: string;
    config: Record<string, unknown>;
  };
}

/** What a stored snapshot says about itself. */
interface ISnapshotMeta {
  /** Paths (below site-packages) and sizes of the installed files, in the order of their bytes. */
  files: [string, number][];
  /** `pyodide.loadedPackages` when it was made. */
  loadedPackages: Record<string, string>;
  /** The lock's sha256 of each loaded package: a site with other wheels does not use it. */
  sha256: Record<string, string>;
}

/** A snapshot read from the cache. */
export interface IStoredSnapshot {
  meta: ISnapshotMeta;
  /** The installed files' bytes, one after the other. */
  files: Uint8Array;
  /** Pyodide's memory snapshot. */
  heap: Uint8Array;
}

/** The options of a start that decide what a snapshot holds. */
export interface ISnapshotOptions {
  pyodideUrl: string;
  indexUrl: string;
  pipliteWheelUrl?: string;
  pipliteUrls?: string[];
  disablePyPIFallback?: boolean;
  loadPyodideOptions?: Record<string, unknown>;
}

/**
 * The cache key of a start with `options`: a URL of the site no request ever
 * asks for, named by a hash of the options, the worker's Python and `FORMAT`.
 */
export async function snapshotKey(options: ISnapshotOptions): Promise<string> {
  const text = JSON.stringify([
    FORMAT,
    options.pyodideUrl,
    options.indexUrl,
    options.pipliteWheelUrl ?? '',
    options.pipliteUrls ?? [],
    options.disablePyPIFallback ?? false,
    options.loadPyodideOptions ?? {},
    PYTHON_FILES,
  ]);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  return new URL(`jupyter-worker-snapshot/${hex}`, self.location.href).href;
}

/** A stored snapshot found, being read. */
export interface IFoundSnapshot {
  /** Its parts once read (tens of MB); rejects if it is not a snapshot of ours. */
  parts: Promise<IStoredSnapshot>;
}

/**
 * The snapshot stored under `key`, or null if there is none: found without
 * waiting for its bytes, so that Pyodide's own start runs while they are read.
 */
export async function findSnapshot(key: string): Promise<IFoundSnapshot | null> {
  const cache = await caches.open(SNAPSHOT_CACHE);
  const response = await cache.match(key);
  if (!response) {
    return null;
  }
  const parts = response.arrayBuffer().then((buffer) => parseSnapshot(new Uint8Array(buffer)));
  return { parts };
}

/** A stored snapshot's parts (`storeSnapshot` wrote them); throws if it is damaged. */
function parseSnapshot(bytes: Uint8Array): IStoredSnapshot {
  const words = new Uint32Array(bytes.buffer, 0, Math.min(3, bytes.length >> 2));
  if (words.length < 3 || words[0] !== MAGIC) {
    throw new Error('the stored snapshot is damaged (no header)');
  }
  const metaLength = words[1];
  const filesLength = words[2];
  const filesStart = align(12 + metaLength);
  const heapStart = align(filesStart + filesLength);
  if (heapStart >= bytes.length) {
    throw new Error('the stored snapshot is damaged (too short)');
  }
  let meta: ISnapshotMeta;
  try {
    meta = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + metaLength)));
  } catch {
    throw new Error('the stored snapshot is damaged (its description does not parse)');
  }
  return {
    meta,
    files: bytes.subarray(filesStart, filesStart + filesLength),
    heap: bytes.subarray(heapStart),
  };
}

/**
 * Make a snapshot of `pyodide` (loaded with `_makeSnapshot`) and its
 * site-packages, and store it under `key`.
 */
export async function storeSnapshot(key: string, pyodide: ISnapshotPyodide): Promise<void> {
  // (garbage of the start may still hold JavaScript objects, such as fetch responses)
  pyodide.runPython('import gc\ngc.collect()');
  const { files, paths } = readTree(pyodide.FS, pyodide._api.sitePackages);
  const loadedPackages = { ...pyodide.loadedPackages };
  const sha256: Record<string, string> = {};
  for (const name of Object.keys(loadedPackages)) {
    const entry = pyodide.lockfile.packages[name];
    if (entry) {
      sha256[name] = entry.sha256;
    }
  }
  // Pyodide checks the JavaScript objects its Python refers to; the loaded
  // packages' record is one of them and must look as at its start
  for (const name of Object.keys(loadedPackages)) {
    Reflect.deleteProperty(pyodide.loadedPackages, name);
  }
  let heap: Uint8Array;
  try {
    heap = pyodide.makeMemorySnapshot({ serializer: (obj) => serializeRef(pyodide, obj) });
  } finally {
    Object.assign(pyodide.loadedPackages, loadedPackages);
  }
  const meta: ISnapshotMeta = { files: paths, loadedPackages, sha256 };
  const metaBytes = new TextEncoder().encode(JSON.stringify(meta));
  const filesStart = align(12 + metaBytes.length);
  const heapStart = align(filesStart + files.length);
  const blob = new Uint8Array(heapStart + heap.length);
  new Uint32Array(blob.buffer, 0, 3).set([MAGIC, metaBytes.length, files.length]);
  blob.set(metaBytes, 12);
  blob.set(files, filesStart);
  blob.set(heap, heapStart);
  const cache = await caches.open(SNAPSHOT_CACHE);
  await cache.put(
    key,
    new Response(blob, { headers: { 'Content-Type': 'application/octet-stream' } }),
  );
}

/**
 * What `loadPyodide` takes to start from `stored` (still being read): the heap,
 * Pyodide's module factory `create` made to first grow the new memory to the
 * heap's size (Pyodide 314 does not), and how to find the JavaScript objects
 * the heap's Python refers to.
 */
export function restoreOptions(
  create: ModuleFactory<IPyodideModule>,
  stored: Promise<IStoredSnapshot>,
): Record<string, unknown> {
  let module: IPyodideModule | null = null;
  const createPyodideModule: ModuleFactory<IPyodideModule> = async (settings) => {
    const made = await create(settings);
    module = made;
    const restore = made.API.restoreSnapshot;
    made.API.restoreSnapshot = (snapshot: Uint8Array): unknown => {
      const offset = new Uint32Array(snapshot.buffer, snapshot.byteOffset, 2)[1];
      const needed = snapshot.length - offset;
      if (made.HEAP8.length < needed) {
        made.growMemory(needed);
      }
      return restore(snapshot);
    };
    return made;
  };
  const deserialize = (ref: ISerializedRef): unknown => {
    if (!module) {
      throw new Error('Pyodide restores a snapshot before its module exists');
    }
    if (ref.root === 'gone') {
      return goneStandIn(ref.key);
    }
    const api = module.API as unknown as { public_api: Record<string, unknown> } & Record<
      string,
      unknown
    >;
    const value = ref.root === 'api' ? api[ref.key] : api.public_api[ref.key];
    if (value === undefined) {
      throw new Error(`the snapshot refers to ${ref.root}.${ref.key}, which this Pyodide lacks`);
    }
    return value;
  };
  const heap = stored.then((parts) => parts.heap); // (Pyodide awaits it)
  heap.catch(() => undefined); // (a failed read is the caller's to report)
  return {
    _loadSnapshot: heap,
    createPyodideModule,
    _snapshotDeserializer: deserialize,
  };
}

/**
 * Finish a start from `stored`: check it fits this site's lock, put back its
 * files and the loaded packages' record, give Python a start of its own
 * (`random` reseeded; `sys.path` once). Throws what does not fit.
 */
export function finishRestore(pyodide: ISnapshotPyodide, stored: IStoredSnapshot): void {
  for (const [name, sha] of Object.entries(stored.meta.sha256)) {
    const entry = pyodide.lockfile.packages[name];
    if (entry?.sha256 !== sha) {
      throw new Error(`the site's ${name} is not the one in the snapshot`);
    }
  }
  // Pyodide keeps its options: not the snapshot's bytes (tens of MB)
  pyodide._api.config._loadSnapshot = undefined;
  writeTree(pyodide.FS, pyodide._api.sitePackages, stored.meta.files, stored.files);
  Object.assign(pyodide.loadedPackages, stored.meta.loadedPackages);
  pyodide.runPython(
    [
      'import importlib, random, sys',
      // loadPyodide puts the current folder first again
      'if sys.path[:2] == ["", ""]:',
      '    del sys.path[0]',
      'random.seed()',
      'importlib.invalidate_caches()',
    ].join('\n'),
  );
}

/** What our module factory sees of Pyodide's Emscripten module. */
export interface IPyodideModule {
  API: { restoreSnapshot: (snapshot: Uint8Array) => unknown } & Record<string, unknown>;
  HEAP8: Int8Array;
  growMemory(size: number): unknown;
}

/** A JavaScript object the heap's Python refers to, as a property of Pyodide's API objects. */
function serializeRef(pyodide: ISnapshotPyodide, obj: unknown): ISerializedRef {
  const roots: [ISerializedRef['root'], Record<string, unknown>][] = [
    ['api', pyodide._api],
    ['public', pyodide._api.public_api],
  ];
  for (const [root, object] of roots) {
    for (const key of Object.getOwnPropertyNames(object)) {
      if (object[key] === obj) {
        return { root, key };
      }
    }
  }
  // Pyodide still counts a few objects of the start's fetches as referred to
  // (a Response, its arrayBuffer method) though no Python object holds them:
  // restored as stand-ins that say so if anything ever uses them
  return { root: 'gone', key: describe(obj) };
}

/** What `obj` was, in a few words. */
function describe(obj: unknown): string {
  const name = typeof obj === 'function' ? obj.name : (obj as object | null)?.constructor?.name;
  return `${typeof obj} ${name ?? ''}`.trim();
}

/** A stand-in for a JavaScript object of the snapshot's start (`what`) that is gone. */
function goneStandIn(what: string): unknown {
  const fail = (): never => {
    throw new Error(
      `jupyter-worker: this JavaScript object (${what}) was left in the memory snapshot by its start and is gone`,
    );
  };
  return new Proxy(function gone() {}, { apply: fail, construct: fail, get: fail, has: fail });
}

/** `n` rounded up to a multiple of 16 (typed array views need aligned offsets). */
function align(n: number): number {
  return Math.ceil(n / 16) * 16;
}
