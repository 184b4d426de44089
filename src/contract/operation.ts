// One declaration per operation: where it lives on the wire and what goes in and out.
// The HTTP routes, the OpenAPI document and the typed client are all derived from these.
import type { Static, TObject, TSchema } from 'typebox';

export interface OperationDeclaration<Req extends TObject = TObject, Res extends TSchema = TSchema> {
  readonly resource: string;
  readonly action: string;
  readonly summary: string;
  readonly request: Req;
  readonly response: Res;
  /** The response property that holds a cursor page: an empty page answers 204 under `Prefer: return=minimal`. */
  readonly page?: string;
  /**
   * Declared on every operation, never guessed from its action's name: reads run without a
   * transaction, writes in exactly one (with the caller's chains locked).
   */
  readonly writes: boolean;
  /**
   * The answer depends only on the stored records, the request and the caller: until something is
   * written, the same request answers the same bytes (and may be answered from the answer cache).
   * Reads are, unless they say otherwise (an answer that tells the time is not); writes never are.
   */
  readonly repeatable: boolean;
  /** A request body as published, for the OpenAPI document and the documentation tests. */
  readonly example?: Readonly<Record<string, unknown>>;
}

export function defineOperation<Req extends TObject, Res extends TSchema>(
  declaration: Omit<OperationDeclaration<Req, Res>, 'repeatable'> & { repeatable?: boolean },
): OperationDeclaration<Req, Res> {
  return { ...declaration, repeatable: !declaration.writes && (declaration.repeatable ?? true) };
}

export type OperationRequest<O> = O extends OperationDeclaration<infer Req, TSchema> ? Static<Req> : never;
/** What an operation acts on, without who asks: the request less its authentication fields. */
export type OperationParameters<O> = Omit<OperationRequest<O>, 'ClientToken' | 'AccessToken' | 'Client' | 'LanguageCode' | 'CultureCode'>;
export type OperationResponse<O> = O extends OperationDeclaration<TObject, infer Res> ? Static<Res> : never;

export const operationPath = (operation: Pick<OperationDeclaration, 'resource' | 'action'>) =>
  `/api/connector/v1/${operation.resource}/${operation.action}`;
