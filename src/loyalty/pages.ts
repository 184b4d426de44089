// Limitation -> a keyset page request, and a page of records -> the response Cursor.
import type { Limitation } from '../contract/common.ts';
import type { CursorPageRequest, PageRequest } from '../store/pages.ts';
import { invalidParameter } from './errors.ts';

/** `seqOf` finds the cursor record among the records the caller may see; an unknown cursor is a 400. */
export async function pageRequest(
  limitation: Limitation, seqOf: (id: string) => Promise<number | undefined>,
): Promise<PageRequest> {
  if (limitation.Cursor == null) return { count: limitation.Count };
  const beforeSeq = await seqOf(limitation.Cursor.toLowerCase());
  if (beforeSeq === undefined) throw unknownCursor();
  return { count: limitation.Count, beforeSeq };
}

/** The page with its cursor still an id, for a store that resolves it itself (memberships). */
export function cursorPageRequest(limitation: Limitation): CursorPageRequest {
  return limitation.Cursor == null ? { count: limitation.Count } : { count: limitation.Count, cursorId: limitation.Cursor.toLowerCase() };
}

export const unknownCursor = () => invalidParameter('Limitation.Cursor', 'no such record.');

/** The Id of the last (oldest) item, or null for an empty page. */
export const cursorOf = (items: readonly { readonly Id: string }[]) => items.at(-1)?.Id ?? null;
