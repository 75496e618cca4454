import { EnrollRequest, EnrollResponse } from "../../contract/index.js";
import { apiEndpoint, parseError } from "./emit/transport.js";
import { type CollectorState, loadState, newKeyPair, saveState } from "./state.js";
import { COLLECTOR_VERSION } from "./version.js";

export class EnrollError extends Error {
  override name = "EnrollError";
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * Makes the collector's key pair, registers the public key with the one-time token and
 * stores the identity (0600) in the state directory. The secret key never leaves it.
 */
export async function enroll(args: {
  apiUrl: string;
  token: string;
  stateDir: string;
  name?: string;
  fetch?: typeof fetch;
}): Promise<CollectorState> {
  const existing = await loadState(args.stateDir);
  if (existing) {
    throw new EnrollError(
      "ALREADY_ENROLLED",
      `this state directory already holds collector ${existing.collectorId}; use another --state-dir (or remove ${args.stateDir}) to enroll again`,
    );
  }
  const keys = newKeyPair();
  const request = EnrollRequest.parse({
    token: args.token,
    publicKey: keys.publicKey,
    ...(args.name ? { name: args.name } : {}),
    version: COLLECTOR_VERSION,
  });
  let res: Response;
  try {
    res = await (args.fetch ?? fetch)(apiEndpoint(args.apiUrl, "/v1/collectors/enroll"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new EnrollError("NETWORK_ERROR", `cannot reach ${args.apiUrl}: ${(err as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) {
    const { code, message } = parseError(res.status, text);
    throw new EnrollError(code, message, res.status);
  }
  let body: EnrollResponse;
  try {
    body = EnrollResponse.parse(JSON.parse(text));
  } catch (err) {
    throw new EnrollError("BAD_RESPONSE", `the API answered enrollment with an unexpected body: ${(err as Error).message}`, res.status);
  }
  const state: CollectorState = {
    collectorId: body.collectorId,
    tenantId: body.tenantId,
    apiUrl: args.apiUrl,
    publicKey: keys.publicKey,
    secretKey: keys.secretKey,
    nextSeq: body.nextSeq,
    ...(args.name ? { name: args.name } : {}),
    enrolledAt: new Date().toISOString(),
  };
  await saveState(args.stateDir, state);
  return state;
}
