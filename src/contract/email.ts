// A customer's email as the wire rules read it: kept trimmed (blank is none), and compared without
// case, so `Jane@Example.com ` and `jane@example.com` are one email of a chain.

/** The email as kept: trimmed; blank or absent is none. */
export const keptEmail = (email: string | null | undefined): string | null => email?.trim() || null;

/** What two emails are the same by (the unique key of the active customers of a chain). */
export const emailKey = (email: string | null | undefined): string | null => keptEmail(email)?.toLowerCase() ?? null;
