// An answer the store has already written as JSON text, in the shape of the operation's response
// schema. The routes send it as it is: the page's rows never become objects, and the schema's
// serializer does not write them a second time (see BENCHMARKS.md, "one pass from rows to the wire").
export class JsonText<T> {
  /** Never set: it carries the shape the text has, for the handlers' types. */
  declare readonly shape?: T;

  /**
   * @param text the answer, valid JSON of the response schema's shape
   * @param pageLength the number of items in the answer's page (an empty page may answer 204)
   */
  constructor(readonly text: string, readonly pageLength: number) {}

  /** The answer as a value, for callers inside the process (the console). */
  value(): T {
    return JSON.parse(this.text) as T;
  }
}

/** A handler's answer as a value, whichever form it took. */
export const answerValue = <T>(answer: T | JsonText<T>): T => (answer instanceof JsonText ? answer.value() : answer);
