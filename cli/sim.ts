import type { Command } from './main.ts';
import { UsageError } from './usage-error.ts';

const subcommands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  dataset: {
    summary: 'record scripted episodes as msgpack shards + manifest',
    load: async () => (await import('./sim-dataset.ts')).runSimDataset,
  },
  render: {
    summary: 'write a PNG of a task state or its goal',
    load: async () => (await import('./sim-render.ts')).runSimRender,
  },
  expert: {
    summary: 'run the scripted expert and print success as JSON',
    load: async () => (await import('./sim-expert.ts')).runSimExpert,
  },
};

/** `goalserve sim <dataset|render|expert>`: the tabletop simulator's commands. */
export async function runSim(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  const list = Object.entries(subcommands).map(([n, s]) => `  ${n.padEnd(8)} ${s.summary}`);
  const usage = `usage: goalserve sim <subcommand> [options]\n${list.join('\n')}`;
  if (name === '--help' || name === '-h') {
    console.log(usage);
    return 0;
  }
  const sub = name === undefined ? undefined : subcommands[name];
  if (sub === undefined) {
    const what = name === undefined ? 'missing subcommand' : `unknown subcommand '${name}'`;
    throw new UsageError(`sim: ${what}\n\n${usage}`);
  }
  return (await sub.load())(rest);
}
