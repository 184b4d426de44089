// An answer the store has already written as JSON text, in the shape of the operation's response
// schema. The routes send it as it is: the page's rows never become objects, and the schema's
// serializer does not write them a second time (see BENCHMARKS.md, "one pass from rows to the wire").
export class JsonText<T> {
  /** Never set: it carries the shape the text has, for the handlers' types. */
  declare readonly shape?: T;

  /**
   * @param text the answer, valid JSON of the response schema's shape, as text or as its UTF-8 bytes
   * @param pageLength the number of items in the answer's page (an empty page may answer 204)
   */
  constructor(readonly text: string | Buffer, readonly pageLength: number) {}

  /**
   * An answer written in parts, some of them bytes already (a page read on a SQLite reader thread):
   * bytes if any part is, so that no part is decoded only to be encoded again for the socket.
   */
  static of<T>(parts: readonly (string | Uint8Array)[], pageLength: number): JsonText<T> {
    if (parts.every((part) => typeof part === 'string')) return new JsonText<T>(parts.join(''), pageLength);
    return new JsonText<T>(Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part))), pageLength);
  }

  /** The answer as a value, for callers inside the process (the console). */
  value(): T {
    return JSON.parse(typeof this.text === 'string' ? this.text : this.text.toString('utf8')) as T;
  }
}

/** A handler's answer as a value, whichever form it took. */
export const answerValue = <T>(answer: T | JsonText<T>): T => (answer instanceof JsonText ? answer.value() : answer);
