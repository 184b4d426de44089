// What a handler gets besides its request: the database (a transaction for writes), the caller,
// and the request's single clock reading, so every record a request touches shares one timestamp.
import type { Kysely } from 'kysely';
import type { Static, TObject, TSchema } from 'typebox';
import type { JsonText } from '../contract/json-text.ts';
import type { OperationDeclaration } from '../contract/operation.ts';
import type { Database } from '../store/database.ts';
import type { Principal } from '../tenancy/principal.ts';

export interface OperationContext {
  readonly db: Kysely<Database>;
  readonly principal: Principal;
  readonly now: Date;
}

export type Handler<O> = O extends OperationDeclaration<infer Req extends TObject, infer Res extends TSchema>
  ? (context: OperationContext, request: Static<Req>) => Promise<Static<Res> | JsonText<Static<Res>>>
  : never;

export type Handlers<Ops> = { readonly [K in keyof Ops]: Handler<Ops[K]> };
