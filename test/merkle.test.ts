import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  EMPTY_ROOT,
  MemoryTree,
  completedBy,
  consistencyPlan,
  foldRange,
  inclusionPlan,
  isRecursionRange,
  leafHash,
  nodeFromKey,
  nodeHash,
  nodeKey,
  rangeNodes,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
  type NodeRef,
} from '../src/vault/merkle.ts';

const vectors = JSON.parse(readFileSync(new URL('./fixtures/merkle-vectors.json', import.meta.url), 'utf8'));
const hex = (h: string): Buffer => Buffer.from(h, 'hex');
const b64 = (s: string | null): Buffer => Buffer.from(s ?? '', 'base64');

/** RFC 9162 §2.1 transcribed literally, over leaf hashes, memoised by range: the reference the plans must match. */
class NaiveTree {
  private readonly cache = new Map<string, Buffer>();
  constructor(readonly leaves: Buffer[]) {}

  mth(start: number, end: number): Buffer {
    const n = end - start;
    if (n === 0) return createHash('sha256').digest();
    if (n === 1) return this.leaves[start]!;
    const key = `${start},${end}`;
    let hash = this.cache.get(key);
    if (hash === undefined) {
      const k = largestPowerOfTwoBelow(n);
      hash = nodeHash(this.mth(start, start + k), this.mth(start + k, end));
      this.cache.set(key, hash);
    }
    return hash;
  }

  /** PATH(m, D[start:end]), m relative to start. */
  path(m: number, start: number, end: number): Buffer[] {
    const n = end - start;
    if (n === 1) return [];
    const k = largestPowerOfTwoBelow(n);
    if (m < k) return [...this.path(m, start, start + k), this.mth(start + k, end)];
    return [...this.path(m - k, start + k, end), this.mth(start, start + k)];
  }

  /** PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
  proof(m: number, n: number): Buffer[] {
    return this.subproof(m, 0, n, true);
  }

  private subproof(m: number, start: number, end: number, b: boolean): Buffer[] {
    const n = end - start;
    if (m === n) return b ? [] : [this.mth(start, end)];
    const k = largestPowerOfTwoBelow(n);
    if (m <= k) return [...this.subproof(m, start, start + k, b), this.mth(start + k, end)];
    return [...this.subproof(m - k, start + k, end, false), this.mth(start, start + k)];
  }

  /** SUBTREE_SUBPROOF(start, end, D[base:base+n], b) of the Merkle Tree Certificates draft, start/end relative to base. */
  subtreeSubproof(start: number, end: number, base: number, n: number, b: boolean): Buffer[] {
    if (start === 0 && end === n) return b ? [] : [this.mth(base, base + n)];
    const k = largestPowerOfTwoBelow(n);
    if (end <= k) return [...this.subtreeSubproof(start, end, base, k, b), this.mth(base + k, base + n)];
    if (k <= start) return [...this.subtreeSubproof(start - k, end - k, base + k, n - k, b), this.mth(base, base + k)];
    return [...this.subtreeSubproof(0, end - k, base + k, n - k, false), this.mth(base, base + k)];
  }
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function treeOf(count: number, data: (i: number) => Uint8Array = (i) => Buffer.from(`leaf ${i}`)): { tree: MemoryTree; naive: NaiveTree } {
  const tree = new MemoryTree();
  const leaves: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(tree.append(data(i)), i);
    leaves.push(leafHash(data(i)));
  }
  return { tree, naive: new NaiveTree(leaves) };
}

function flipBit(hash: Buffer, bit: number): Buffer {
  const copy = Buffer.from(hash);
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

/** Every way to change one bit of one proof element. */
function* everyBitFlip(proof: Buffer[]): Generator<Buffer[]> {
  for (let i = 0; i < proof.length; i++) {
    for (let bit = 0; bit < 256; bit++) yield proof.map((h, j) => (j === i ? flipBit(h, bit) : h));
  }
}

function randomInt(below: number): number {
  return Math.floor(Math.random() * below);
}

/** Every value in [from, to] but `except` while the range is small, else a sample of ten (the time stays a few seconds). */
function othersIn(from: number, to: number, except: number): number[] {
  const all: number[] = [];
  for (let v = from; v <= to; v++) if (v !== except) all.push(v);
  if (all.length <= 16) return all;
  return Array.from({ length: 10 }, () => all[randomInt(all.length)]!);
}

/** One random single-bit change per proof element. */
function* oneBitFlipEach(proof: Buffer[]): Generator<Buffer[]> {
  for (let i = 0; i < proof.length; i++) {
    const bit = randomInt(256);
    yield proof.map((h, j) => (j === i ? flipBit(h, bit) : h));
  }
}

describe('hash primitives (transparency-dev/merkle rfc6962 vectors)', () => {
  for (const v of vectors.hash_primitives) {
    it(`${v.kind} ${v.data_hex ?? v.left_hex ?? ''}`, () => {
      const want = v.want_hex ? hex(v.want_hex) : b64(v.want_b64);
      if (v.kind === 'empty_root') assert.deepEqual(EMPTY_ROOT, want);
      else if (v.kind === 'leaf') assert.deepEqual(leafHash(hex(v.data_hex)), want);
      else if (v.kind === 'node') assert.deepEqual(nodeHash(hex(v.left_hex), hex(v.right_hex)), want);
      else assert.fail(`unknown kind ${v.kind}`);
    });
  }
});

describe('the reference tree (transparency-dev/merkle testonly, certificate-transparency tables)', () => {
  const ref = vectors.reference_tree;
  const tree = new MemoryTree();
  for (const leaf of ref.leaves_hex) tree.append(hex(leaf));

  it('has each published root, sizes 0 to 8', () => {
    ref.roots_hex_by_size.forEach((root: string, size: number) => assert.equal(tree.root(size).toString('hex'), root, `size ${size}`));
    assert.deepEqual(new MemoryTree().root(), EMPTY_ROOT);
  });

  it('stores each published complete node by level', () => {
    ref.node_hashes_hex_by_level.forEach((level: string[], l: number) =>
      level.forEach((h, i) => assert.equal(tree.node({ level: l, index: i }).toString('hex'), h, `node ${l}/${i}`)),
    );
    assert.throws(() => tree.node({ level: 4, index: 0 }), RangeError);
  });

  for (const p of ref.inclusion_proofs) {
    it(`inclusion proof for leaf ${p.leaf_index} of ${p.tree_size}`, () => {
      const proof = tree.inclusionProof(p.leaf_index, p.tree_size);
      assert.deepEqual(proof.map((h) => h.toString('hex')), p.proof_hex);
      assert.ok(verifyInclusion(tree.leafHash(p.leaf_index), p.leaf_index, p.tree_size, proof, tree.root(p.tree_size)));
    });
  }

  for (const p of ref.consistency_proofs) {
    it(`consistency proof from ${p.first} to ${p.second}`, () => {
      const proof = tree.consistencyProof(p.first, p.second);
      assert.deepEqual(proof.map((h) => h.toString('hex')), p.proof_hex);
      assert.ok(verifyConsistency(p.first, p.second, proof, tree.root(p.first), tree.root(p.second)));
    });
  }
});

describe('transparency-dev/merkle verifier probes (testdata/inclusion, testdata/consistency)', () => {
  const probes = vectors.transparency_dev_probes;
  it(`inclusion: ${probes.inclusion.length} probes, each verdict as proof.VerifyInclusion`, () => {
    for (const p of probes.inclusion) {
      const got = verifyInclusion(b64(p.leafHash), p.leafIdx, p.treeSize, (p.proof ?? []).map(b64), b64(p.root));
      assert.equal(got, !p.wantErr, `${p.source.path}: ${p.desc}`);
    }
  });
  // One probe passes 12-byte "roots" ("don't care 2") with equal sizes; Go compares bytes, we refuse any hash that is not 32 bytes.
  it(`consistency: ${probes.consistency.length} probes, each verdict as proof.VerifyConsistency but for hashes of the wrong length`, () => {
    const refusedForLength: string[] = [];
    for (const p of probes.consistency) {
      const [proof, root1, root2] = [(p.proof ?? []).map(b64), b64(p.root1), b64(p.root2)];
      const wellFormed = [root1, root2, ...proof].every((h) => h.length === 32);
      if (!p.wantErr && !wellFormed) refusedForLength.push(p.desc);
      const got = verifyConsistency(p.size1, p.size2, proof, root1, root2);
      assert.equal(got, !p.wantErr && wellFormed, `${p.source.path}: ${p.desc}`);
      if (!p.wantErr && !wellFormed) {
        const padded = (h: Buffer): Buffer => Buffer.concat([h, Buffer.alloc(32 - h.length)]);
        assert.ok(verifyConsistency(p.size1, p.size2, proof, padded(root1), padded(root2)), `${p.desc}, with 32-byte roots`);
      }
    }
    assert.deepEqual(refusedForLength, ['sizes are equal (one) and proof is empty']);
  });
});

describe('Merkle Tree Certificates draft subtree vectors (130 leaves, accumulated SHA-256)', () => {
  const mtc = vectors.mtc_accumulated;
  const { tree, naive } = treeOf(mtc.max_size, (i) => Buffer.from([i]));
  const shift = (ref: NodeRef, start: number): NodeRef => ({ level: ref.level, index: ref.index + start / 2 ** ref.level });
  const subtreeHash = (start: number, end: number): Buffer =>
    start === end ? EMPTY_ROOT : foldRange(rangeNodes(start, end).map((ref) => tree.node(ref)));
  const want = (name: string, variant: string): string => mtc.cases.find((c: any) => c.name === name && c.variant === variant).want_hex;

  it('subtree hashes [start, end) through rangeNodes', () => {
    const acc = createHash('sha256');
    for (let end = 1; end <= mtc.max_size; end++) {
      for (let start = 0; start < end; start++) {
        if (isRecursionRange(start, end)) acc.update(`[${start}, ${end}) ${subtreeHash(start, end).toString('hex')}\n`);
      }
    }
    assert.equal(acc.digest('hex'), want('subtree_hashes', 'start_lt_end'));
  });

  it('subtree hashes with empty subtrees [i, i) hashing to the empty root', () => {
    const acc = createHash('sha256');
    for (let end = 0; end <= mtc.max_size; end++) {
      for (let start = 0; start <= end; start++) {
        if (start === end || isRecursionRange(start, end)) acc.update(`[${start}, ${end}) ${subtreeHash(start, end).toString('hex')}\n`);
      }
    }
    assert.equal(acc.digest('hex'), want('subtree_hashes', 'with_empty'));
  });

  it('subtree inclusion proofs: inclusionPlan of the subtree, shifted to its place', () => {
    const acc = createHash('sha256');
    for (let end = 1; end <= mtc.max_size; end++) {
      for (let start = 0; start < end; start++) {
        if (!isRecursionRange(start, end)) continue;
        for (let index = start; index < end; index++) {
          const plan = inclusionPlan(index - start, end - start);
          const proof = plan.map((refs) => foldRange(refs.map((ref) => tree.node(shift(ref, start)))));
          assert.ok(verifyInclusion(tree.leafHash(index), index - start, end - start, proof, subtreeHash(start, end)));
          acc.update(`${index} [${start}, ${end})${proof.map((h) => ` ${h.toString('hex')}`).join('')}\n`);
        }
      }
    }
    assert.equal(acc.digest('hex'), want('subtree_inclusion_proofs', 'any'));
  });

  // The draft's SUBTREE_PROOF for start > 0 is not part of Vigil's API (the log serves RFC 9162
  // proofs only); the test transcribes it to check the vector, and checks start = 0 against consistencyPlan.
  it('subtree consistency proofs; those from [0, end) equal consistencyPlan(end, n)', () => {
    const acc = createHash('sha256');
    for (let n = 0; n <= mtc.max_size; n++) {
      for (let end = 1; end <= n; end++) {
        for (let start = 0; start < end; start++) {
          if (!isRecursionRange(start, end)) continue;
          const proof = naive.subtreeSubproof(start, end, 0, n, true);
          if (start === 0) assert.deepEqual(proof, tree.consistencyProof(end, n), `[0, ${end}) ${n}`);
          acc.update(`[${start}, ${end}) ${n}${proof.map((h) => ` ${h.toString('hex')}`).join('')}\n`);
        }
      }
    }
    assert.equal(acc.digest('hex'), want('subtree_consistency_proofs', 'start_lt_end'));
  });

  it.skip('subtree consistency proofs with empty subtrees: a later draft revision whose empty-subtree proof rule the vectors do not state');
});

describe('plans against a literal RFC 9162 recursion', () => {
  const { tree, naive } = treeOf(70);

  it('roots of every size 1..70', () => {
    for (let size = 1; size <= 70; size++) assert.deepEqual(tree.root(size), naive.mth(0, size), `size ${size}`);
  });

  it('inclusion proofs for every (index, size) with size ≤ 70, and they verify', () => {
    for (let size = 1; size <= 70; size++) {
      const root = tree.root(size);
      for (let index = 0; index < size; index++) {
        const proof = tree.inclusionProof(index, size);
        assert.deepEqual(proof, naive.path(index, 0, size), `(${index}, ${size})`);
        assert.ok(verifyInclusion(tree.leafHash(index), index, size, proof, root), `verify (${index}, ${size})`);
        assert.deepEqual(rootFromInclusionProof(tree.leafHash(index), index, size, proof), root);
      }
    }
  });

  it('consistency proofs for every (size1, size2) with size2 ≤ 70, and they verify', () => {
    for (let size2 = 1; size2 <= 70; size2++) {
      for (let size1 = 1; size1 <= size2; size1++) {
        const proof = tree.consistencyProof(size1, size2);
        assert.deepEqual(proof, naive.proof(size1, size2), `(${size1}, ${size2})`);
        assert.ok(verifyConsistency(size1, size2, proof, tree.root(size1), tree.root(size2)), `verify (${size1}, ${size2})`);
      }
    }
  });

  it('a few hundred random inclusion and consistency proofs in a tree of 100,000', () => {
    const big = treeOf(100_000);
    for (let i = 0; i < 300; i++) {
      const size = 1 + randomInt(100_000);
      const index = randomInt(size);
      const size1 = 1 + randomInt(size);
      const root = big.tree.root(size);
      assert.deepEqual(root, big.naive.mth(0, size), `root ${size}`);
      const inclusion = big.tree.inclusionProof(index, size);
      assert.deepEqual(inclusion, big.naive.path(index, 0, size), `inclusion (${index}, ${size})`);
      assert.ok(verifyInclusion(big.tree.leafHash(index), index, size, inclusion, root));
      const consistency = big.tree.consistencyProof(size1, size);
      assert.deepEqual(consistency, big.naive.proof(size1, size), `consistency (${size1}, ${size})`);
      assert.ok(verifyConsistency(size1, size, consistency, big.tree.root(size1), root));
    }
  });
});

describe('verification rejects what it must', () => {
  const { tree } = treeOf(70);
  const roots = Array.from({ length: 71 }, (_, size) => tree.root(size));
  // Every bit for trees up to 5 leaves (proofs of one to three levels); one random bit per element above.
  const flips = (size: number, proof: Buffer[]): Iterable<Buffer[]> => (size <= 5 ? everyBitFlip(proof) : oneBitFlipEach(proof));

  it('a single flipped bit in an inclusion proof, its leaf hash or its root (every bit up to size 5, a random bit per element to 70)', () => {
    for (let size = 1; size <= 70; size++) {
      const root = roots[size]!;
      for (let index = 0; index < size; index++) {
        const leaf = tree.leafHash(index);
        const proof = tree.inclusionProof(index, size);
        for (const bad of flips(size, proof)) assert.equal(verifyInclusion(leaf, index, size, bad, root), false);
        for (const bit of size <= 5 ? Array.from({ length: 256 }, (_, b) => b) : [randomInt(256)]) {
          assert.equal(verifyInclusion(flipBit(leaf, bit), index, size, proof, root), false);
          assert.equal(verifyInclusion(leaf, index, size, proof, flipBit(root, bit)), false);
        }
      }
    }
  });

  it('a single flipped bit in a consistency proof or either root (every bit up to size 5, a random bit per element to 70)', () => {
    for (let size2 = 1; size2 <= 70; size2++) {
      for (let size1 = 1; size1 <= size2; size1++) {
        const [root1, root2] = [roots[size1]!, roots[size2]!];
        const proof = tree.consistencyProof(size1, size2);
        for (const bad of flips(size2, proof)) assert.equal(verifyConsistency(size1, size2, bad, root1, root2), false);
        for (const bit of size2 <= 5 ? Array.from({ length: 256 }, (_, b) => b) : [randomInt(256)]) {
          assert.equal(verifyConsistency(size1, size2, proof, flipBit(root1, bit), root2), false, `root1 (${size1}, ${size2})`);
          assert.equal(verifyConsistency(size1, size2, proof, root1, flipBit(root2, bit)), false, `root2 (${size1}, ${size2})`);
        }
      }
    }
  });

  it('a wrong index, a wrong size, a truncated or extended proof (sizes ≤ 70)', () => {
    const junk = randomBytes(32);
    for (let size = 1; size <= 70; size++) {
      const root = roots[size]!;
      for (let index = 0; index < size; index++) {
        const leaf = tree.leafHash(index);
        const proof = tree.inclusionProof(index, size);
        const replaced = randomInt(proof.length);
        assert.equal(verifyInclusion(leaf, index, size, proof.map((h, i) => (i === replaced ? junk : h)), root), proof.length === 0, 'one element replaced');
        for (const other of othersIn(0, size - 1, index)) {
          assert.equal(verifyInclusion(leaf, other, size, proof, root), false, `index ${other} for (${index}, ${size})`);
        }
        for (const other of othersIn(index + 1, 70, size)) {
          assert.equal(verifyInclusion(leaf, index, other, proof, roots[other]!), false, `size ${other} for (${index}, ${size})`);
        }
        assert.equal(verifyInclusion(leaf, index, size, [...proof, junk], root), false, 'extended');
        assert.equal(verifyInclusion(leaf, index, size, [junk, ...proof], root), false, 'prefixed');
        if (proof.length > 0) {
          assert.equal(verifyInclusion(leaf, index, size, proof.slice(1), root), false, 'truncated at the leaf');
          assert.equal(verifyInclusion(leaf, index, size, proof.slice(0, -1), root), false, 'truncated at the root');
          assert.equal(verifyInclusion(leaf, index, size, [...proof].reverse(), root), proof.length === 1, 'reversed');
        }
        assert.equal(verifyInclusion(leaf, index + size, size, proof, root), false, 'index beyond the tree');
      }
    }
  });

  it('consistency with wrong sizes, swapped roots, truncated or extended proofs (sizes ≤ 70)', () => {
    const junk = randomBytes(32);
    for (let size2 = 1; size2 <= 70; size2++) {
      for (let size1 = 1; size1 <= size2; size1++) {
        const [root1, root2] = [roots[size1]!, roots[size2]!];
        const proof = tree.consistencyProof(size1, size2);
        for (const other of othersIn(1, size2, size1)) {
          assert.equal(verifyConsistency(other, size2, proof, roots[other]!, root2), false, `size1 ${other} for (${size1}, ${size2})`);
        }
        for (const other of othersIn(size1, 70, size2)) {
          assert.equal(verifyConsistency(size1, other, proof, root1, roots[other]!), false, `size2 ${other} for (${size1}, ${size2})`);
        }
        assert.equal(verifyConsistency(size1, size2, [...proof, junk], root1, root2), false, 'extended');
        assert.equal(verifyConsistency(size1, size2, [junk, ...proof], root1, root2), false, 'prefixed');
        if (proof.length > 0) {
          assert.equal(verifyConsistency(size1, size2, proof.slice(1), root1, root2), false, 'truncated');
          assert.equal(verifyConsistency(size1, size2, proof.slice(0, -1), root1, root2), false, 'truncated at the end');
        }
        if (size1 !== size2) assert.equal(verifyConsistency(size1, size2, proof, root2, root1), false, 'swapped roots');
        assert.equal(verifyConsistency(size2, size1, proof, root2, root1), size1 === size2, 'swapped sizes');
      }
    }
  });

  it('malformed input: short hashes, non-integer or negative sizes, size 0 — false, never a throw', () => {
    const root = tree.root(8);
    const proof = tree.inclusionProof(3, 8);
    const leaf = tree.leafHash(3);
    const cases: Array<[string, () => boolean]> = [
      ['short leaf', () => verifyInclusion(leaf.subarray(1), 3, 8, proof, root)],
      ['short root', () => verifyInclusion(leaf, 3, 8, proof, root.subarray(1))],
      ['long proof element', () => verifyInclusion(leaf, 3, 8, [Buffer.concat([proof[0]!, Buffer.from([0])]), ...proof.slice(1)], root)],
      ['fractional index', () => verifyInclusion(leaf, 3.5, 8, proof, root)],
      ['negative index', () => verifyInclusion(leaf, -1, 8, proof, root)],
      ['NaN size', () => verifyInclusion(leaf, 3, NaN, proof, root)],
      ['size 2^60', () => verifyInclusion(leaf, 3, 2 ** 60, proof, root)],
      ['size 0', () => verifyInclusion(leaf, 0, 0, [], EMPTY_ROOT)],
      ['proof not an array', () => verifyInclusion(leaf, 3, 8, null as unknown as Buffer[], root)],
      ['proof of strings', () => verifyInclusion(leaf, 3, 8, proof.map((h) => h.toString('hex')) as unknown as Buffer[], root)],
      ['consistency from 0', () => verifyConsistency(0, 8, [], EMPTY_ROOT, root)],
      ['consistency 0 to 0', () => verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)],
      ['consistency backwards', () => verifyConsistency(8, 4, tree.consistencyProof(4, 8), root, tree.root(4))],
      ['consistency short root', () => verifyConsistency(4, 8, tree.consistencyProof(4, 8), tree.root(4).subarray(1), root)],
      ['consistency fractional size', () => verifyConsistency(4.5, 8, tree.consistencyProof(4, 8), tree.root(4), root)],
      ['consistency null proof', () => verifyConsistency(4, 8, null as unknown as Buffer[], tree.root(4), root)],
      ['equal sizes with a proof', () => verifyConsistency(8, 8, [root], root, root)],
    ];
    for (const [name, check] of cases) assert.equal(check(), false, name);
    assert.equal(rootFromInclusionProof(leaf, 9, 8, proof), null);
    assert.ok(verifyConsistency(8, 8, [], root, Buffer.from(root)), 'equal sizes, empty proof, equal roots');
  });
});

describe('plans, node keys and completed nodes', () => {
  it('rangeNodes lists one aligned node per set bit of the width, largest first', () => {
    assert.deepEqual(rangeNodes(0, 1), [{ level: 0, index: 0 }]);
    assert.deepEqual(rangeNodes(0, 7), [{ level: 2, index: 0 }, { level: 1, index: 2 }, { level: 0, index: 6 }]);
    assert.deepEqual(rangeNodes(8, 13), [{ level: 2, index: 2 }, { level: 0, index: 12 }]);
    assert.deepEqual(rangeNodes(2 ** 39, 2 ** 40), [{ level: 39, index: 1 }]);
    assert.deepEqual(rangeNodes(0, 2 ** 53 - 1).length, 53);
    for (const [start, end] of [[1, 3], [2, 5], [4, 4], [5, 4], [-1, 2], [0.5, 2], [6, 9]]) {
      assert.throws(() => rangeNodes(start!, end!), RangeError, `[${start}, ${end})`);
    }
  });

  it('rangeNodes covers [start, end) exactly for every recursion range up to 70', () => {
    for (let end = 1; end <= 70; end++) {
      for (let start = 0; start < end; start++) {
        if (!isRecursionRange(start, end)) continue;
        let next = start;
        for (const { level, index } of rangeNodes(start, end)) {
          assert.equal(index * 2 ** level, next);
          next += 2 ** level;
        }
        assert.equal(next, end);
      }
    }
  });

  it('foldRange folds to the right and refuses nothing to fold', () => {
    const [a, b, c] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    assert.deepEqual(foldRange([a]), a);
    assert.deepEqual(foldRange([a, b, c]), nodeHash(a, nodeHash(b, c)));
    assert.throws(() => foldRange([]), RangeError);
  });

  it('plans refuse impossible requests', () => {
    assert.throws(() => inclusionPlan(5, 5), RangeError);
    assert.throws(() => inclusionPlan(-1, 5), RangeError);
    assert.throws(() => consistencyPlan(0, 5), RangeError);
    assert.throws(() => consistencyPlan(6, 5), RangeError);
    assert.deepEqual(consistencyPlan(5, 5), []);
    assert.deepEqual(inclusionPlan(0, 1), []);
  });

  it('plans at 10^7 leaves and near 2^40 have one element per level', () => {
    assert.equal(inclusionPlan(0, 10_000_000).length, 24);
    assert.equal(inclusionPlan(9_999_999, 10_000_000).length, 14); // the last leaf skips the levels where it has no sibling
    assert.equal(inclusionPlan(0, 2 ** 40 - 1).length, 40);
  });

  it('nodeKey is level·2^40 + index and round-trips', () => {
    assert.equal(nodeKey({ level: 0, index: 0 }), 0);
    assert.equal(nodeKey({ level: 1, index: 5 }), 2 ** 40 + 5);
    assert.equal(nodeKey({ level: 40, index: 0 }), 40 * 2 ** 40);
    for (const ref of [{ level: 3, index: 12345 }, { level: 0, index: 2 ** 40 - 1 }]) assert.deepEqual(nodeFromKey(nodeKey(ref)), ref);
    assert.throws(() => nodeKey({ level: 0, index: 2 ** 40 }), RangeError);
    assert.throws(() => nodeKey({ level: -1, index: 0 }), RangeError);
  });

  it('completedBy names the nodes an append completes, with their children', () => {
    assert.deepEqual(completedBy(0), []);
    assert.deepEqual(completedBy(2), []);
    assert.deepEqual(completedBy(3), [
      { node: { level: 1, index: 1 }, left: { level: 0, index: 2 }, right: { level: 0, index: 3 } },
      { node: { level: 2, index: 0 }, left: { level: 1, index: 0 }, right: { level: 1, index: 1 } },
    ]);
    assert.equal(completedBy(2 ** 40 - 1).length, 40);
    // Over the first 70 leaves, each complete node is completed exactly once, after both children.
    const seen = new Set<number>();
    for (let i = 0; i < 70; i++) {
      seen.add(nodeKey({ level: 0, index: i }));
      for (const { node, left, right } of completedBy(i)) {
        assert.ok(seen.has(nodeKey(left)) && seen.has(nodeKey(right)));
        assert.ok(!seen.has(nodeKey(node)));
        seen.add(nodeKey(node));
      }
    }
    assert.equal(seen.size, 70 + 35 + 17 + 8 + 4 + 2 + 1);
  });

  it('MemoryTree refuses sizes it does not have', () => {
    const { tree } = treeOf(5);
    assert.throws(() => tree.root(6), RangeError);
    assert.throws(() => tree.inclusionProof(0, 6), RangeError);
    assert.throws(() => tree.consistencyProof(2, 6), RangeError);
    assert.throws(() => tree.leafHash(5), RangeError);
    assert.deepEqual(tree.root(0), EMPTY_ROOT);
  });

  it('MemoryTree hands out copies: changing a returned hash does not change the tree', () => {
    const { tree, naive } = treeOf(4);
    tree.leafHash(0).fill(0);
    tree.node({ level: 2, index: 0 }).fill(0);
    tree.root().fill(0);
    tree.inclusionProof(1).forEach((h) => h.fill(0));
    assert.deepEqual(tree.root(), naive.mth(0, 4));
    assert.deepEqual(tree.inclusionProof(1), naive.path(1, 0, 4));
  });
});
