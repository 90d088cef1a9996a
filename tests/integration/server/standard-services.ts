import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';

type Loaded = Record<string, Record<string, Record<string, Record<string, grpc.ServiceClientConstructor>>>>;
type DynamicClient = grpc.Client & Record<string, (...args: unknown[]) => unknown>;

/** Asks grpc.health.v1.Health/Check about `service` and resolves to its status name. */
export async function checkHealth(address: string, service: string): Promise<string> {
  const loaded = grpc.loadPackageDefinition(
    protoLoader.loadSync(healthProtoPath, { enums: String }),
  ) as Loaded;
  const client = new loaded.grpc.health.v1.Health(
    address,
    grpc.credentials.createInsecure(),
  ) as DynamicClient;
  try {
    return await new Promise((resolve, reject) =>
      client.check({ service }, (error: Error | null, response: { status: string }) =>
        error ? reject(error) : resolve(response.status),
      ),
    );
  } finally {
    client.close();
  }
}

/** One grpc.reflection.v1 answer, as far as the tests read it. */
export interface ReflectionAnswer {
  listServicesResponse?: { service: { name: string }[] };
  fileDescriptorResponse?: { fileDescriptorProto: Uint8Array[] };
}

/** Sends reflection requests on one ServerReflectionInfo stream and resolves to the answers in order. */
export async function queryReflection(address: string, requests: object[]): Promise<ReflectionAnswer[]> {
  const require = createRequire(import.meta.url);
  const file = require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto');
  const loaded = grpc.loadPackageDefinition(protoLoader.loadSync(file, { oneofs: true })) as Loaded;
  const client = new loaded.grpc.reflection.v1.ServerReflection(
    address,
    grpc.credentials.createInsecure(),
  ) as DynamicClient;
  const call = client.serverReflectionInfo() as grpc.ClientDuplexStream<object, ReflectionAnswer>;
  const answers: ReflectionAnswer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    call.on('data', (answer: ReflectionAnswer) => {
      answers.push(answer);
      if (answers.length === requests.length) call.end();
    });
    call.on('end', resolve);
    call.on('error', reject);
  });
  for (const request of requests) call.write(request);
  await done;
  client.close();
  return answers;
}
