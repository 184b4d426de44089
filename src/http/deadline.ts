// The processing timeout (408). Every query a handler makes passes this plugin, which refuses to run
// once the request's deadline has passed; the refusal rolls the request's transaction back, so a
// timed-out request writes nothing. A timer could not do this: better-sqlite3 runs synchronously.
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { requestTimeout } from '../loyalty/errors.ts';

export class DeadlinePlugin implements KyselyPlugin {
  constructor(private readonly deadline: number) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (Date.now() > this.deadline) throw requestTimeout();
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
