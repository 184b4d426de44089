// Keyset pages, newest to oldest by `seq`, and the filter pieces every getAll shares.
// A page never uses OFFSET: it starts below the cursor's `seq`, so records added while a client
// walks the pages cannot shift them, and each page is a bounded index range scan.

export interface PageRequest {
  readonly count: number;
  /** The `seq` of the cursor record; the page holds only older records. */
  readonly beforeSeq?: number;
}

/** A time filter in stored form: `from` inclusive, `to` exclusive. */
export interface StoredRange {
  readonly from: string;
  readonly to: string;
}

/** An empty filter array matches nothing, so the query can be skipped. */
export const matchesNothing = (...filters: (readonly unknown[] | undefined)[]) =>
  filters.some((filter) => filter !== undefined && filter.length === 0);
