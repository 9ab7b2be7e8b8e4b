/**
 * Exhaustive cosine search in plain JavaScript: the baseline a vector index is measured against, and
 * the ground truth for its recall. Vectors are unit length (as every Embedder returns them), so cosine
 * similarity is the dot product.
 */
export class VectorMatrix {
  readonly data: Float32Array;
  /** Caller's ids, one per row. */
  readonly ids: number[];

  constructor(
    readonly dimensions: number,
    rows: readonly Float32Array[],
    ids: readonly number[],
  ) {
    if (rows.length !== ids.length) throw new RangeError('one id per row');
    this.data = new Float32Array(rows.length * dimensions);
    rows.forEach((row, i) => {
      if (row.length !== dimensions) throw new RangeError(`row ${i} has ${row.length} dimensions`);
      this.data.set(row, i * dimensions);
    });
    this.ids = [...ids];
  }

  get rows(): number {
    return this.ids.length;
  }

  /** The k most similar rows, best first (ties: lower row first): caller ids and cosine similarities. */
  topK(query: Float32Array, k: number): { ids: number[]; scores: number[] } {
    const d = this.dimensions;
    const data = this.data;
    const bestRow: number[] = [];
    const bestScore: number[] = [];
    const unrolled = d - (d % 4);
    for (let row = 0, offset = 0; row < this.ids.length; row++, offset += d) {
      // Four independent sums: the additions pipeline instead of waiting on one another.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let j = 0;
      for (; j < unrolled; j += 4) {
        s0 += data[offset + j]! * query[j]!;
        s1 += data[offset + j + 1]! * query[j + 1]!;
        s2 += data[offset + j + 2]! * query[j + 2]!;
        s3 += data[offset + j + 3]! * query[j + 3]!;
      }
      for (; j < d; j++) s0 += data[offset + j]! * query[j]!;
      const dot = s0 + s1 + s2 + s3;
      if (bestScore.length === k && dot <= bestScore[k - 1]!) continue;
      let at = bestScore.length;
      while (at > 0 && bestScore[at - 1]! < dot) at--;
      bestScore.splice(at, 0, dot);
      bestRow.splice(at, 0, row);
      if (bestScore.length > k) {
        bestScore.pop();
        bestRow.pop();
      }
    }
    return { ids: bestRow.map((r) => this.ids[r]!), scores: bestScore };
  }
}

/** Cosine similarity of two unit vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/**
 * recall@k of `found` against the exact answer: the share of the k exact neighbours that `found`
 * returned. A returned item whose true similarity ties the k-th exact one (within `tolerance`, float
 * rounding in a different summation order) counts as a hit, since either answer is correct.
 */
export function recallAtK(
  found: readonly number[],
  exact: { ids: readonly number[]; scores: readonly number[] },
  k: number,
  trueScore: (id: number) => number,
  tolerance = 1e-5,
): number {
  const want = Math.min(k, exact.ids.length);
  if (want === 0) return 1;
  const exactSet = new Set(exact.ids.slice(0, want));
  const kth = exact.scores[want - 1]!;
  let hits = 0;
  for (const id of found.slice(0, want)) {
    if (exactSet.has(id) || trueScore(id) >= kth - tolerance) hits++;
  }
  return Math.min(hits, want) / want;
}
