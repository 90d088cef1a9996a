import { existsSync } from 'node:fs';
import { parseCommandOptions } from './options.ts';

/** `goalserve serve`: the server arrives with the BESO and gRPC issues; until then it says so plainly. */
export async function runServe(args: string[]): Promise<number> {
  const options = parseCommandOptions('serve', args, {
    model: { type: 'string', default: 'models/beso-tabletop' },
  });
  const found = existsSync(options.model);
  console.error(
    found
      ? `goalserve serve: the gRPC server is not implemented yet (model package found at ${options.model}).`
      : `goalserve serve: no model package at ${options.model} — no model is shipped yet and the gRPC server is not implemented yet. Try \`npx goalserve sim --help\`.`,
  );
  return 1;
}
