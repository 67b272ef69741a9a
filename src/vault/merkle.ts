import { hash, timingSafeEqual } from 'node:crypto';

/**
 * RFC 9162 §2.1 Merkle tree math, pure. Proofs are described as *plans*: lists of complete,
 * aligned subtrees (NodeRef) whose hashes a store looks up and folds. A node exists once all
 * its leaves are appended, so a database keeps exactly the nodes of completedBy() and never
 * rewrites one; MemoryTree below answers every query through these plans.
 */

export const HASH_SIZE = 32;

/** Sizes and indices stay below this, so that nodeKey is exact in a JS number. */
export const MAX_TREE_SIZE = 2 ** 40;
const KEY_LEVEL_FACTOR = 2 ** 40;

// One-shot crypto.hash over a joined buffer: about half the time of createHash().update() per node.
function sha256(bytes: Uint8Array): Buffer {
  return hash('sha256', bytes, 'buffer');
}

/** SHA-256(0x00 ‖ data). */
export function leafHash(data: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(1 + data.length);
  input[0] = 0x00;
  input.set(data, 1);
  return sha256(input);
}

/** SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(1 + left.length + right.length);
  input[0] = 0x01;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Buffer = sha256(new Uint8Array(0));

/** A complete, aligned subtree: leaves [index·2^level, (index+1)·2^level). Level 0 = one leaf. */
export interface NodeRef {
  level: number;
  index: number;
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function requireCount(name: string, n: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!isCount(n) || n > max) throw new RangeError(`${name} must be an integer from 0 to ${max}, not ${n}`);
}

/** The largest power of two strictly below n (n ≥ 2): RFC 9162's k. Exact up to 2^53. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** log2 of a power of two. */
function levelOf(powerOfTwo: number): number {
  let level = 0;
  for (let p = 1; p < powerOfTwo; p *= 2) level++;
  return level;
}

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && n === 2 ** levelOf(n);
}

/** A single integer per node for a database key: level·2^40 + index (sizes < 2^40). */
export function nodeKey(ref: NodeRef): number {
  requireCount('level', ref.level, 40);
  requireCount('index', ref.index, MAX_TREE_SIZE - 1);
  return ref.level * KEY_LEVEL_FACTOR + ref.index;
}

/** The inverse of nodeKey. */
export function nodeFromKey(key: number): NodeRef {
  requireCount('key', key);
  const level = Math.floor(key / KEY_LEVEL_FACTOR);
  return { level, index: key - level * KEY_LEVEL_FACTOR };
}

/** Whether [start, end) is a range the RFC 9162 recursion reaches: start = 0, or start a multiple of bit_ceil(end − start). */
export function isRecursionRange(start: number, end: number): boolean {
  if (!isCount(start) || !isCount(end) || start >= end) return false;
  if (start === 0) return true;
  const width = end - start;
  const ceil = width === 1 ? 1 : splitPoint(width) * 2;
  return start % ceil === 0;
}

/**
 * The complete subtrees, left to right, whose right fold is MTH(D[start:end]): one node per set
 * bit of end − start, largest first (RFC 9162's greedy split). Throws RangeError for a range the
 * recursion never reaches, or an empty one.
 */
export function rangeNodes(start: number, end: number): NodeRef[] {
  if (!isRecursionRange(start, end)) throw new RangeError(`[${start}, ${end}) is not a subtree range of RFC 9162`);
  const nodes: NodeRef[] = [];
  let s = start;
  while (s < end) {
    const width = end - s;
    const size = width === 1 ? 1 : isPowerOfTwo(width) ? width : splitPoint(width);
    nodes.push({ level: levelOf(size), index: s / size });
    s += size;
  }
  return nodes;
}

/** Right fold: h1, h2, …, hk → H(h1, H(h2, … H(hk-1, hk))). One hash returns itself. */
export function foldRange(hashes: Buffer[]): Buffer {
  if (hashes.length === 0) throw new RangeError('cannot fold an empty range');
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
  return acc;
}

/** Each proof element is foldRange of that list's node hashes; order as RFC 9162 PATH (leaf upwards). */
export function inclusionPlan(index: number, size: number): NodeRef[][] {
  requireCount('size', size);
  requireCount('index', index);
  if (index >= size) throw new RangeError(`index ${index} is not below size ${size}`);
  const topDown: NodeRef[][] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      topDown.push(rangeNodes(start + k, end));
      end = start + k;
    } else {
      topDown.push(rangeNodes(start, start + k));
      start += k;
    }
  }
  return topDown.reverse();
}

/** RFC 9162 PROOF(m, D[n]) as plans; size1 must satisfy 0 < size1 ≤ size2 (size1 == size2 → empty). */
export function consistencyPlan(size1: number, size2: number): NodeRef[][] {
  requireCount('size2', size2);
  requireCount('size1', size1);
  if (size1 === 0 || size1 > size2) throw new RangeError(`no consistency proof from size ${size1} to ${size2}`);
  const topDown: NodeRef[][] = [];
  let start = 0;
  let end = size2;
  let complete = true; // SUBPROOF's b: still on the left edge, where the old root is known
  while (size1 !== end) {
    const k = splitPoint(end - start);
    if (size1 - start <= k) {
      topDown.push(rangeNodes(start + k, end));
      end = start + k;
    } else {
      topDown.push(rangeNodes(start, start + k));
      start += k;
      complete = false;
    }
  }
  if (!complete) topDown.push(rangeNodes(start, end));
  return topDown.reverse();
}

/** The nodes that become complete when leaf `index` is appended (level 1 upwards), each with its two children. */
export function completedBy(index: number): Array<{ node: NodeRef; left: NodeRef; right: NodeRef }> {
  requireCount('index', index);
  const completed: Array<{ node: NodeRef; left: NodeRef; right: NodeRef }> = [];
  const count = index + 1;
  for (let level = 1, width = 2; count % width === 0; level++, width *= 2) {
    const nodeIndex = count / width - 1;
    completed.push({
      node: { level, index: nodeIndex },
      left: { level: level - 1, index: nodeIndex * 2 },
      right: { level: level - 1, index: nodeIndex * 2 + 1 },
    });
  }
  return completed;
}

/** Resolves a plan into proof hashes with a node lookup (a MemoryTree, a database read). */
export function proofFromPlan(plan: NodeRef[][], node: (ref: NodeRef) => Buffer): Buffer[] {
  return plan.map((refs) => foldRange(refs.map(node)));
}

function isHash(h: unknown): h is Buffer {
  return h instanceof Uint8Array && h.length === HASH_SIZE;
}

function isHashList(list: unknown): list is Buffer[] {
  return Array.isArray(list) && list.every(isHash);
}

/** Constant-time equality of two hashes (false for anything that is not a 32-byte hash). */
export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return isHash(a) && isHash(b) && timingSafeEqual(a, b);
}

/** RFC 9162 §2.1.3.2: the root that `proof` leads to from leaf `index` of a tree of `size`, or null if its shape is wrong. */
export function rootFromInclusionProof(leafHash: Buffer, index: number, size: number, proof: Buffer[]): Buffer | null {
  if (!isHash(leafHash) || !isHashList(proof) || !isCount(index) || !isCount(size) || index >= size) return null;
  if (proof.length !== inclusionPlan(index, size).length) return null;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

/** RFC 9162 §2.1.3.2 inclusion verification; false on any mismatch or bad shape, never throws on bad input. */
export function verifyInclusion(leafHash: Buffer, index: number, size: number, proof: Buffer[], root: Buffer): boolean {
  try {
    const computed = rootFromInclusionProof(leafHash, index, size, proof);
    return computed !== null && hashesEqual(computed, root);
  } catch {
    return false;
  }
}

/**
 * RFC 9162 §2.1.4.2 consistency verification. Equal sizes need an empty proof and equal roots; a
 * proof from size 0 is refused (it proves nothing). False on any mismatch, never throws.
 */
export function verifyConsistency(size1: number, size2: number, proof: Buffer[], root1: Buffer, root2: Buffer): boolean {
  try {
    if (!isCount(size1) || !isCount(size2) || !isHashList(proof) || !isHash(root1) || !isHash(root2)) return false;
    if (size1 === 0 || size1 > size2) return false;
    if (size1 === size2) return proof.length === 0 && hashesEqual(root1, root2);
    if (proof.length !== consistencyPlan(size1, size2).length) return false;
    const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
    let fn = size1 - 1;
    let sn = size2 - 1;
    while (fn % 2 === 1) {
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    let fr: Buffer = path[0]!;
    let sr: Buffer = path[0]!;
    for (const c of path.slice(1)) {
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      } else {
        sr = nodeHash(sr, c);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    // Compare both roots unconditionally so the time does not tell which one failed.
    const firstMatches = hashesEqual(fr, root1);
    const secondMatches = hashesEqual(sr, root2);
    return sn === 0 && firstMatches && secondMatches;
  } catch {
    return false;
  }
}

/** One level of complete node hashes, packed 32 bytes apiece in a growing buffer (10^7 leaves fit in ~640 MB). */
class HashLevel {
  private bytes = Buffer.alloc(HASH_SIZE * 16);
  count = 0;

  push(hash: Uint8Array): void {
    if ((this.count + 1) * HASH_SIZE > this.bytes.length) {
      const grown = Buffer.alloc(this.bytes.length * 2);
      this.bytes.copy(grown);
      this.bytes = grown;
    }
    this.bytes.set(hash, this.count * HASH_SIZE);
    this.count++;
  }

  /** A copy, so no caller can change the stored tree. */
  get(index: number): Buffer | undefined {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.count) return undefined;
    return Buffer.from(this.bytes.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE));
  }
}

/**
 * An in-memory tree that stores what the database stores — leaf hashes and every complete node,
 * by level — and answers roots and proofs only through rangeNodes and the plans.
 */
export class MemoryTree {
  private readonly levels: HashLevel[] = [new HashLevel()];

  append(data: Uint8Array): number {
    return this.appendLeafHash(leafHash(data));
  }

  /** Appends a leaf by its hash; returns its index. */
  appendLeafHash(hash: Buffer): number {
    if (!isHash(hash)) throw new RangeError('a leaf hash is 32 bytes');
    const index = this.size;
    if (index >= MAX_TREE_SIZE) throw new RangeError('the tree is full');
    this.levels[0]!.push(hash);
    for (const { node, left, right } of completedBy(index)) {
      const level = (this.levels[node.level] ??= new HashLevel());
      if (level.count !== node.index) throw new Error(`node ${node.level}/${node.index} completed out of order`);
      level.push(nodeHash(this.node(left), this.node(right)));
    }
    return index;
  }

  get size(): number {
    return this.levels[0]!.count;
  }

  leafHash(index: number): Buffer {
    return this.node({ level: 0, index });
  }

  /** The hash of a complete subtree; throws RangeError if it is not complete yet. */
  node(ref: NodeRef): Buffer {
    const hash = this.levels[ref.level]?.get(ref.index);
    if (hash === undefined) throw new RangeError(`node ${ref.level}/${ref.index} is not complete in a tree of ${this.size}`);
    return hash;
  }

  root(size: number = this.size): Buffer {
    this.requireSize(size);
    if (size === 0) return Buffer.from(EMPTY_ROOT);
    return foldRange(rangeNodes(0, size).map((ref) => this.node(ref)));
  }

  inclusionProof(index: number, size: number = this.size): Buffer[] {
    this.requireSize(size);
    return proofFromPlan(inclusionPlan(index, size), (ref) => this.node(ref));
  }

  consistencyProof(size1: number, size2: number = this.size): Buffer[] {
    this.requireSize(size2);
    return proofFromPlan(consistencyPlan(size1, size2), (ref) => this.node(ref));
  }

  private requireSize(size: number): void {
    requireCount('size', size, this.size);
  }
}
