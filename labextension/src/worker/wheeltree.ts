/**
 * The start's pure-Python wheels, unpacked in JavaScript and written into
 * Pyodide's file system as Pyodide's own loader installs them. Its loader
 * unpacks each wheel in Python (a temporary file, `zipfile`, a file at a
 * time): 0.45-0.6 s for the kernel's 19 wheels (3,252 files, 21 MB) in Node,
 * against ~0.2 s here, and the unpacked tree can go to the next workers of
 * the page (`kernel/kept.ts`), which then only write it.
 *
 * What Pyodide's `loadPackage` leaves, this leaves too: every file of the
 * wheel below site-packages, a wheel's data files (`NAME.data/data/...`)
 * also below `sys.prefix`, `INSTALLER` and `PYODIDE_SOURCE` in its
 * `.dist-info`, and the package in `pyodide.loadedPackages`.
 */
import { unzipSync } from 'fflate';

import type { IWheelTree } from '../protocol';
import type { ISiteFs } from './sitefiles';
import { joinBytes, writeTree } from './sitefiles';

/** A wheel of the site's lock, downloaded. */
export interface IWheel {
  /** Its name in the lock. */
  name: string;
  /** Its file name (`NAME-VERSION-TAGS.whl`). */
  fileName: string;
  /** The lock's sha256 of it. */
  sha256: string;
  bytes: Uint8Array;
}

/** The metadata files Pyodide's `loadPackage` writes into a wheel's `.dist-info`. */
const METADATA: Record<string, string> = {
  INSTALLER: 'pyodide.loadPackage',
  PYODIDE_SOURCE: 'pyodide',
};

/** What `loadPackage` records as the source of a package of the site's lock. */
const DEFAULT_CHANNEL = 'default channel';

/** The data files of a wheel (the "data" scheme, the one Pyodide installs): `NAME.data/data/PATH`. */
const DATA_FILE = /^[^/]+\.data\/data\/(.+)$/;

/** One wheel unpacked (`unpackWheel`): its files, to be joined into a tree (`joinWheels`). */
export interface IUnpackedWheel {
  name: string;
  sha256: string;
  /** Its files below site-packages. */
  site: [string, Uint8Array][];
  /** Its data files below `sys.prefix`. */
  data: [string, Uint8Array][];
}

/**
 * Unpack `wheel` (throws if it is not a zip file with a `.dist-info`). One
 * at a time, as each arrives: a start's other work (Pyodide's) runs between.
 */
export function unpackWheel(wheel: IWheel): IUnpackedWheel {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(wheel.bytes);
  } catch (error) {
    throw new Error(`${wheel.fileName} is not a zip file (${String(error)})`);
  }
  const distInfo = distInfoDir(Object.keys(entries));
  if (!distInfo) {
    throw new Error(`${wheel.fileName} has no .dist-info folder`);
  }
  const encoder = new TextEncoder();
  for (const [key, value] of Object.entries(METADATA)) {
    entries[`${distInfo}/${key}`] = encoder.encode(value);
  }
  const site: [string, Uint8Array][] = [];
  const data: [string, Uint8Array][] = [];
  for (const [path, bytes] of Object.entries(entries)) {
    if (path.endsWith('/')) {
      continue; // (a folder: made with the files in it)
    }
    if (path.startsWith('/') || path.split('/').includes('..')) {
      // (Pyodide's loader, which `zipfile` keeps inside the folder, then installs it)
      throw new Error(`${wheel.fileName} names a file outside its folder: ${path}`);
    }
    site.push([path, bytes]);
    const dataPath = DATA_FILE.exec(path)?.[1];
    if (dataPath) {
      data.push([dataPath, bytes]);
    }
  }
  return { name: wheel.name, sha256: wheel.sha256, site, data };
}

/** Unpacked wheels as one tree. */
export function joinWheels(wheels: IUnpackedWheel[]): IWheelTree {
  const site = wheels.flatMap((wheel) => wheel.site);
  const data = wheels.flatMap((wheel) => wheel.data);
  const sized = (files: [string, Uint8Array][]): [string, number][] =>
    files.map(([path, bytes]) => [path, bytes.length]);
  return {
    packages: Object.fromEntries(wheels.map((wheel) => [wheel.name, wheel.sha256])),
    site: sized(site),
    data: sized(data),
    files: joinBytes([...site, ...data].map(([, bytes]) => bytes)),
  };
}

/** The parts of a Pyodide instance a wheel tree is installed into. */
export interface IWheelPyodide {
  FS: ISiteFs;
  loadedPackages: Record<string, string>;
  runPython(code: string): unknown;
  _api: { sitePackages: string };
}

/**
 * Write `tree` into `pyodide`'s file system and record its packages as
 * loaded (Pyodide's loader then never installs them again). `tree` itself is
 * left as it was: the files are a copy of its bytes.
 */
export function installWheelTree(pyodide: IWheelPyodide, tree: IWheelTree): void {
  const siteBytes = tree.site.reduce((sum, [, size]) => sum + size, 0);
  writeTree(pyodide.FS, pyodide._api.sitePackages, tree.site, tree.files.subarray(0, siteBytes));
  if (tree.data.length) {
    const prefix = String(pyodide.runPython('import sys\nsys.prefix'));
    writeTree(pyodide.FS, prefix.replace(/\/$/, ''), tree.data, tree.files.subarray(siteBytes));
  }
  for (const name of Object.keys(tree.packages)) {
    pyodide.loadedPackages[name] = DEFAULT_CHANNEL;
  }
  pyodide.runPython('import importlib\nimportlib.invalidate_caches()');
}

/** The wheel's `NAME-VERSION.dist-info` folder among its `paths` (the one with a METADATA file). */
function distInfoDir(paths: string[]): string | undefined {
  const metadata = paths.find((path) => /^[^/]+\.dist-info\/METADATA$/.test(path));
  return metadata?.slice(0, metadata.indexOf('/'));
}
