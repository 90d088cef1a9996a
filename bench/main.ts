/** `npm run bench -- <name>`: runs one benchmark suite and prints JSON lines to record in BENCHMARKS.md. */
const suites: Record<string, () => Promise<() => Promise<void>>> = {
  sim: async () => (await import('./sim.ts')).runSimBench,
  nn: async () => (await import('./nn.ts')).runNnBench,
  conv: async () => (await import('./conv.ts')).runConvBench,
  beso: async () => (await import('./beso.ts')).runBesoBench,
  act2goal: async () => (await import('./act2goal.ts')).runAct2GoalBench,
  server: async () => (await import('./server.ts')).runServerBench,
};

const name = process.argv[2];
const load = name === undefined ? undefined : suites[name];
if (load === undefined) {
  console.error(`usage: npm run bench -- <${Object.keys(suites).join('|')}>`);
  process.exitCode = 2;
} else {
  await (await load())();
}
