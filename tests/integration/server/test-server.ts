import { createPolicyClient, type PolicyClient } from '../../../clients/policy-client.ts';
import type { SimRobotOptions } from '../../../clients/sim-robot.ts';
import { type PolicyServer, startPolicyServer } from '../../../server/policy-server.ts';
import type { ServerConfig } from '../../../server/server-config.ts';
import { createTinyModelPackage } from '../tiny-model-package.ts';

/** One simulated push1 episode (seed 1000) as fast as the server answers, JPEG frames, blended chunks. */
export const ONE_PUSH1_EPISODE: SimRobotOptions = {
  task: 'push1',
  episodes: 1,
  seed: 1000,
  model: '',
  controlHz: 0,
  threshold: 0.5,
  blend: 'temporal-ensembling',
  ensembleDecay: 0.01,
  encoding: 'jpeg',
};

/** A real server on 127.0.0.1:0 serving a freshly trained tiny package, and a client connected to it. */
export interface TestServer {
  server: PolicyServer;
  address: string;
  client: PolicyClient;
  packageDir: string;
  stop(): Promise<void>;
}

/** Starts a test server (logs silenced) with optional config overrides, serving a tiny BESO package by default. */
export async function startTestServer(
  overrides: Partial<ServerConfig> = {},
  createPackage: () => Promise<{ dir: string; remove: () => void }> = createTinyModelPackage,
): Promise<TestServer> {
  const pkg = await createPackage();
  const server = await startPolicyServer({
    address: '127.0.0.1:0',
    modelPaths: [pkg.dir],
    logLevel: 'silent',
    ...overrides,
  });
  const address = `127.0.0.1:${server.port}`;
  const client = createPolicyClient(address);
  return {
    server,
    address,
    client,
    packageDir: pkg.dir,
    async stop() {
      client.close();
      await server.shutdown();
      pkg.remove();
    },
  };
}
