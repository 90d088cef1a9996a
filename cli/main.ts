import { UsageError } from './usage-error.ts';

/** A command takes the arguments after its name and resolves to the process exit status. */
export type Command = (args: string[]) => Promise<number>;

/** Every top-level command, loaded lazily so `sim` never pays for ONNX Runtime start-up. */
const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  sim: { summary: 'simulator: dataset, render, expert', load: async () => (await import('./sim.ts')).runSim },
  nn: { summary: 'training engine tools: grad', load: async () => (await import('./nn.ts')).runNn },
  train: {
    summary: 'train a policy: beso, act2goal',
    load: async () => (await import('./train.ts')).runTrain,
  },
  eval: {
    summary: 'evaluate a model package closed-loop in the simulator',
    load: async () => (await import('./eval.ts')).runEval,
  },
  imagine: {
    summary: 'draw an Act2Goal plan: current frame, goal, imagined frames',
    load: async () => (await import('./imagine.ts')).runImagine,
  },
  serve: {
    summary: 'serve model packages over gRPC',
    load: async () => (await import('./serve.ts')).runServe,
  },
  client: {
    summary: 'simulated robot client over gRPC',
    load: async () => (await import('./client.ts')).runClient,
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return ['usage: goalserve <command> [options]', '', 'commands:', ...lines].join('\n');
}

/** Runs the goalserve CLI and returns its exit status: 0 ok, 1 failure, 2 bad usage. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  try {
    if (command === undefined) throw new UsageError(`unknown command '${name}'\n\n${usage()}`);
    return await (await command.load())(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`goalserve: ${error.message}`);
      return 2;
    }
    console.error(`goalserve: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
