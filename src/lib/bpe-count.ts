// Counts byte-pair-encoding tokens the way js-tiktoken does, in O(n log n) per pre-token piece.
//
// js-tiktoken merges a piece by rescanning every adjacent pair after each merge and building a
// comma-joined string key per pair: quadratic in the piece's UTF-8 length with a large constant
// (a 200-character run of CJK text takes ~40 ms, an 8 KB run of one letter several seconds). Chunking
// counts every word, every separator and every chunk, so that cost is paid on untrusted input. This
// counter splits text with the same pre-tokenizer pattern and applies the same merge order (lowest
// rank first, leftmost on ties) with a priority queue, looking pairs up in a map keyed by the bytes as
// a Latin-1 string. Only the number of tokens is produced, which is all chunking needs.

/** The shape of js-tiktoken's rank files (`js-tiktoken/ranks/*`). */
export interface BpeRanks {
  pat_str: string;
  bpe_ranks: string;
}

/**
 * Parses js-tiktoken's compact rank format: lines of `<label> <first rank> <base64 token>…`, where
 * consecutive tokens on a line have consecutive ranks.
 */
function rankMap(ranks: BpeRanks): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of ranks.bpe_ranks.split('\n')) {
    if (line === '') continue;
    const fields = line.split(' ');
    const offset = Number.parseInt(fields[1]!, 10);
    for (let i = 2; i < fields.length; i++) {
      map.set(Buffer.from(fields[i]!, 'base64').toString('latin1'), offset + i - 2);
    }
  }
  return map;
}

/** A binary min-heap of pair candidates ordered by (rank, position). */
class PairHeap {
  private ranks: number[] = [];
  private positions: number[] = [];

  get size(): number {
    return this.ranks.length;
  }

  private less(a: number, b: number): boolean {
    const ra = this.ranks[a]!;
    const rb = this.ranks[b]!;
    return ra < rb || (ra === rb && this.positions[a]! < this.positions[b]!);
  }

  private swap(a: number, b: number): void {
    [this.ranks[a], this.ranks[b]] = [this.ranks[b]!, this.ranks[a]!];
    [this.positions[a], this.positions[b]] = [this.positions[b]!, this.positions[a]!];
  }

  push(rank: number, position: number): void {
    this.ranks.push(rank);
    this.positions.push(position);
    let i = this.ranks.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Removes the smallest entry; its rank and position are left in `top`. */
  pop(top: { rank: number; position: number }): void {
    top.rank = this.ranks[0]!;
    top.position = this.positions[0]!;
    const lastRank = this.ranks.pop()!;
    const lastPosition = this.positions.pop()!;
    if (this.ranks.length === 0) return;
    this.ranks[0] = lastRank;
    this.positions[0] = lastPosition;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.ranks.length && this.less(left, smallest)) smallest = left;
      if (right < this.ranks.length && this.less(right, smallest)) smallest = right;
      if (smallest === i) break;
      this.swap(i, smallest);
      i = smallest;
    }
  }
}

/** Tokens of one pre-token piece (bytes as a Latin-1 string) after all merges. */
function mergeCount(piece: string, ranks: Map<string, number>): number {
  const n = piece.length;
  if (n <= 1 || ranks.has(piece)) return Math.min(n, 1);
  // Parts form a linked list over their start offsets; `rank[i]` is the rank of merging the part
  // starting at i with the next one (undefined when that pair is not in the vocabulary).
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  const alive = new Uint8Array(n).fill(1);
  const rank: Array<number | undefined> = new Array<number | undefined>(n);
  const heap = new PairHeap();
  for (let i = 0; i < n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  const pairRank = (i: number): number | undefined => {
    const j = next[i]!;
    return j < n ? ranks.get(piece.slice(i, next[j])) : undefined;
  };
  for (let i = 0; i < n - 1; i++) {
    rank[i] = pairRank(i);
    if (rank[i] !== undefined) heap.push(rank[i]!, i);
  }
  let parts = n;
  const top = { rank: 0, position: 0 };
  while (heap.size > 0) {
    heap.pop(top);
    const i = top.position;
    // Entries are never removed when a pair changes; skip the ones that no longer describe it.
    if (!alive[i] || rank[i] !== top.rank) continue;
    const j = next[i]!;
    alive[j] = 0;
    next[i] = next[j]!;
    if (next[i]! < n) prev[next[i]!] = i;
    parts--;
    rank[i] = pairRank(i);
    if (rank[i] !== undefined) heap.push(rank[i]!, i);
    const p = prev[i]!;
    if (p >= 0) {
      rank[p] = pairRank(p);
      if (rank[p] !== undefined) heap.push(rank[p]!, p);
    }
  }
  return parts;
}

/**
 * A token counter equal to `new Tiktoken(ranks).encode(text, [], []).length`: special-token text
 * counts as ordinary text.
 */
export function createBpeCounter(ranks: BpeRanks): (text: string) => number {
  const map = rankMap(ranks);
  const pattern = new RegExp(ranks.pat_str, 'gu');
  return (text) => {
    let total = 0;
    for (const match of text.matchAll(pattern)) {
      const piece = match[0];
      // ASCII pieces are their own Latin-1 byte string; others go through UTF-8 first.
      // eslint-disable-next-line no-control-regex
      const bytes = /^[\u0000-\u007f]*$/.test(piece) ? piece : Buffer.from(piece, 'utf8').toString('latin1');
      total += mergeCount(bytes, map);
    }
    return total;
  };
}
