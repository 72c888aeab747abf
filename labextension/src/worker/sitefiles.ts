/**
 * The installed files of a memory snapshot (`snapshot.ts`): read from
 * site-packages into one byte array when it is made, put back when a kernel
 * starts from it. A heap snapshot holds no file system, and a start from one
 * waits for these files (3,290 of them, 21 MB, for the kernel's packages).
 */

/** A node of Emscripten's file system, as far as making a file goes. */
export interface IFsNode {
  node_ops: { mknod(parent: IFsNode, name: string, mode: number, dev: number): IFsNode };
  /** A MEMFS file's bytes (MEMFS reads `usedBytes` of them). */
  contents?: unknown;
  usedBytes?: number;
}

/** The parts of Emscripten's file system the files' reading and writing use. */
export interface ISiteFs {
  readdir(path: string): string[];
  stat(path: string): { mode: number };
  isDir(mode: number): boolean;
  isFile(mode: number): boolean;
  readFile(path: string): Uint8Array;
  writeFile(path: string, data: Uint8Array): void;
  mkdirTree(path: string): void;
  lookupPath(path: string): { node: IFsNode };
  /** 0 if `name` can be made in `dir`, else an errno (one exists: EEXIST). */
  mayCreate(dir: IFsNode, name: string): number;
}

/** The files below `root`, as one byte array and their relative paths and sizes. */
export function readTree(
  FS: ISiteFs,
  root: string,
): { files: Uint8Array; paths: [string, number][] } {
  const chunks: Uint8Array[] = [];
  const paths: [string, number][] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const name of FS.readdir(dir)) {
      if (name === '.' || name === '..') {
        continue;
      }
      const path = `${dir}/${name}`;
      const { mode } = FS.stat(path);
      if (FS.isDir(mode)) {
        walk(path, `${prefix}${name}/`);
      } else if (FS.isFile(mode)) {
        const data = FS.readFile(path);
        chunks.push(data);
        paths.push([`${prefix}${name}`, data.length]);
      }
    }
  };
  walk(root, '');
  return { files: joinBytes(chunks), paths };
}

/** `chunks` one after the other in one array (the files' bytes of a tree). */
export function joinBytes(chunks: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return all;
}

/**
 * Write `paths` (sizes, relative to `root`) from the bytes of `files`.
 *
 * Each file of MEMFS (Pyodide's file system below its own mounts) is made as
 * a node whose bytes are a view of one copy of `files`: `FS.writeFile` opens,
 * copies, closes and looks up the path of each, 8x slower (in Node: 3,249
 * files in 188 ms against 23). A file MEMFS does not hold, or one there is
 * already, is written with `FS.writeFile`.
 */
export function writeTree(
  FS: ISiteFs,
  root: string,
  paths: [string, number][],
  files: Uint8Array,
): void {
  if (paths.reduce((sum, [, size]) => sum + size, 0) !== files.length) {
    throw new Error('the stored snapshot is damaged (its files do not add up)');
  }
  // one copy the files' views own (a view of the stored snapshot would keep its heap's bytes alive)
  const own = files.slice();
  const dirs = new Map<string, IFsNode>();
  let at = 0;
  for (const [path, size] of paths) {
    const full = `${root}/${path}`;
    const slash = full.lastIndexOf('/');
    const dir = full.slice(0, slash);
    let parent = dirs.get(dir);
    if (!parent) {
      FS.mkdirTree(dir);
      parent = FS.lookupPath(dir).node;
      dirs.set(dir, parent);
    }
    const data = own.subarray(at, at + size);
    if (!makeMemFile(FS, parent, full.slice(slash + 1), data)) {
      FS.writeFile(full, data);
    }
    at += size;
  }
}

/** A regular file that anyone may read and write, as `FS.writeFile` makes one. */
const FILE_MODE = 0o100666;

/**
 * Make `name` in `parent` a MEMFS file of `data` (which it then owns):
 * whether it did (not for a name that exists, or a node of another file system).
 */
function makeMemFile(FS: ISiteFs, parent: IFsNode, name: string, data: Uint8Array): boolean {
  if (FS.mayCreate(parent, name) !== 0) {
    return false;
  }
  const node = parent.node_ops.mknod(parent, name, FILE_MODE, 0);
  if (!('usedBytes' in node)) {
    return false; // (made empty: FS.writeFile fills it)
  }
  node.contents = data;
  node.usedBytes = data.length;
  return true;
}
