// Imports point down: http -> loyalty -> store, all onto contract; the client needs only contract
// types. A file that reaches the wrong way fails here, naming the file and the import.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(process.cwd(), 'src');

function files(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every import of a file: its specifier and whether it is type-only. */
function imports(file: string): { from: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gm)].map((m) => ({ from: m[2]!, typeOnly: Boolean(m[1]) }));
}

const layerOf = (file: string) => relative(root, file).split('/')[0]!;

/** Which layers (folders of src/) each layer may import at run time. */
const allowed: Record<string, string[]> = {
  contract: ['contract'],
  store: ['store', 'contract'],
  tenancy: ['tenancy', 'store', 'contract'],
  events: ['events', 'store', 'tenancy', 'contract'],
  loyalty: ['loyalty', 'events', 'store', 'tenancy', 'contract'],
  control: ['control', 'loyalty', 'events', 'store', 'tenancy', 'contract'],
  http: ['http', 'loyalty', 'events', 'store', 'tenancy', 'contract', 'control'],
  client: [],
};

describe('the layers of src/', () => {
  const sources = files(root).filter((file) => relative(root, file).includes('/'));

  it.each(sources.map((file) => [relative(root, file), file]))('%s imports only what its layer may', (_name, file) => {
    const layer = layerOf(file);
    const wrong = imports(file)
      .filter(({ from }) => from.startsWith('.'))
      .map(({ from, typeOnly }) => ({ target: layerOf(join(file, '..', from)), from, typeOnly }))
      .filter(({ target, typeOnly }) => target !== layer && !(allowed[layer] ?? []).includes(target) && !(layer === 'client' && target === 'contract' && typeOnly))
      .map(({ from }) => from);
    expect(wrong).toEqual([]);
  });

  it('keeps Fastify out of the business rules, the store and the contract', () => {
    const offenders = sources
      .filter((file) => ['loyalty', 'store', 'contract', 'tenancy'].includes(layerOf(file)))
      .filter((file) => imports(file).some(({ from }) => from === 'fastify' || from.startsWith('@fastify/')))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });

  it('gives the client no run-time dependency but the platform', () => {
    const client = sources.filter((file) => layerOf(file) === 'client');
    expect(client.length).toBeGreaterThan(0);
    for (const file of client) expect(imports(file).filter(({ typeOnly }) => !typeOnly)).toEqual([]);
  });
});
