import { createPolicyClient, type PolicyClient } from '../../../clients/policy-client.ts';
import { type PolicyServer, startPolicyServer } from '../../../server/policy-server.ts';
import type { ServerConfig } from '../../../server/server-config.ts';
import { createTinyModelPackage } from '../tiny-model-package.ts';

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
