import * as grpc from '@grpc/grpc-js';
import type {
  ActRequest,
  ActResponse,
  ControlRequest,
  ControlResponse,
  ListModelsResponse,
} from '../proto/goalserve-messages.ts';
import { loadPolicyService } from '../proto/load-goalserve-proto.ts';

/** A connection to a goalserve PolicyService. */
export interface PolicyClient {
  listModels(): Promise<ListModelsResponse>;
  act(request: ActRequest): Promise<ActResponse>;
  /** Opens a raw Control stream (see RobotSession for the managed one). */
  control(): grpc.ClientDuplexStream<ControlRequest, ControlResponse>;
  close(): void;
}

/** Connects (lazily, over plaintext) to `address` (host:port). */
export function createPolicyClient(address: string, options: grpc.ClientOptions = {}): PolicyClient {
  const { Client } = loadPolicyService();
  const client = new Client(address, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': 16 * 1024 * 1024,
    ...options,
  }) as grpc.Client & Record<string, (...args: unknown[]) => unknown>;
  const unary =
    <Req, Res>(method: string) =>
    (request: Req) =>
      new Promise<Res>((resolve, reject) =>
        client[method](request, (error: grpc.ServiceError | null, response: Res) =>
          error ? reject(error) : resolve(response),
        ),
      );
  return {
    listModels: () => unary<object, ListModelsResponse>('listModels')({}),
    act: unary<ActRequest, ActResponse>('act'),
    control: () => client.control() as grpc.ClientDuplexStream<ControlRequest, ControlResponse>,
    close: () => client.close(),
  };
}
