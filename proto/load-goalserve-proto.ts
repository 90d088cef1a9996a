import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const protoRoot = dirname(fileURLToPath(import.meta.url));

/** The .proto files of the public contract, relative to the proto/ folder. */
export const GOALSERVE_PROTO_FILES = ['goalserve/v1/policy_service.proto', 'goalserve/v1/frames.proto'];

/**
 * How messages look in TypeScript (see goalserve-messages.ts): camelCase fields, 64-bit integers as
 * numbers, enums as their names, defaults filled in, `kind` naming the set oneof member.
 */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [protoRoot],
};

/** Loads the goalserve protos (plus any extra absolute .proto paths) into one package definition. */
export function loadGoalserveDefinition(extraFiles: readonly string[] = []): protoLoader.PackageDefinition {
  return protoLoader.loadSync(
    [...GOALSERVE_PROTO_FILES.map((file) => join(protoRoot, file)), ...extraFiles],
    PROTO_LOADER_OPTIONS,
  );
}

/** The PolicyService definition and a client constructor for it. */
export function loadPolicyService(): {
  service: grpc.ServiceDefinition;
  Client: grpc.ServiceClientConstructor;
} {
  const loaded = grpc.loadPackageDefinition(loadGoalserveDefinition()) as unknown as {
    goalserve: { v1: { PolicyService: grpc.ServiceClientConstructor } };
  };
  const Client = loaded.goalserve.v1.PolicyService;
  return { service: Client.service, Client };
}
