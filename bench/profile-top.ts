// Summarizes a V8 .cpuprofile (from `bench/run.ts --cpu-prof` or `node --cpu-prof`): the functions with
// the most self time, and the source files with the most self time.
//   npx tsx bench/profile-top.ts data/profiles/CPU.*.cpuprofile [--top 40]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' } } });
const top = Number(values.top ?? 40);
for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, micros] of self) {
    const frame = byId.get(id)!.callFrame;
    const where = frame.url.replace(/^.*node_modules\//, '~/').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/');
    const key = `${frame.functionName || '(anonymous)'}  ${where}:${frame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
    const group = where.startsWith('~/') ? where.split('/').slice(0, where.startsWith('~/@') ? 3 : 2).join('/') : where || frame.functionName;
    byFile.set(group, (byFile.get(group) ?? 0) + micros);
  }
  const show = (title: string, map: Map<string, number>) => {
    process.stdout.write(`\n${title}\n`);
    for (const [key, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      process.stdout.write(`${((micros / total) * 100).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${key}\n`);
    }
  };
  process.stdout.write(`${file}: ${(total / 1e6).toFixed(2)} s sampled\n`);
  show('Self time by function', byFunction);
  show('Self time by package or file', byFile);
}
