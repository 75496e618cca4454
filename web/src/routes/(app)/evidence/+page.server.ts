import { fail } from "@sveltejs/kit";
import { api, ApiFailure, raise } from "$lib/server/api";
import type { ArtifactView } from "$lib/components/evidence/types";
import type { Actions, PageServerLoad } from "./$types";

/** Signed evidence: the chain's newest artifacts, generation on demand, the package, the 12.5.2 attestation. */
export const load: PageServerLoad = async (event) => {
  const client = api(event);
  try {
    const [list, attestations] = await Promise.all([
      client.get<{ items: ArtifactView[]; nextBeforeSeq: number | null }>("/v1/evidence", { limit: 100 }),
      client.get<{ items: ArtifactView[] }>("/v1/evidence", { kind: "scope_attestation", limit: 1 }),
    ]);
    return { items: list.items, more: list.nextBeforeSeq !== null, lastAttestation: attestations.items[0] ?? null, available: true };
  } catch (e) {
    // Without EVIDENCE_KEY_SECRET the API cannot sign: say so instead of failing the page.
    if (e instanceof ApiFailure && e.status === 503) return { items: [] as ArtifactView[], more: false, lastAttestation: null, available: false, reason: e.message };
    raise(e);
  }
};

const failed = (e: unknown, what: string, values: Record<string, unknown> = {}) => {
  if (e instanceof ApiFailure && (e.status < 500 || e.status === 503)) return fail(e.status, { ...values, action: what, message: e.status === 403 ? "Only owners and admins can do this." : e.message });
  throw e;
};

export const actions: Actions = {
  generate: async (event) => {
    try {
      const res = await api(event).post<{ artifacts: ArtifactView[] }>("/v1/evidence", {});
      return { action: "generate", generated: res.artifacts.length };
    } catch (e) {
      return failed(e, "generate");
    }
  },
  attest: async (event) => {
    const form = await event.request.formData();
    const name = String(form.get("name") ?? "").trim();
    const title = String(form.get("title") ?? "").trim();
    const statement = String(form.get("statement") ?? "").trim();
    const serviceProvider = form.get("serviceProvider") === "on";
    const values = { name, title, statement, serviceProvider };
    if (name.length < 2) return fail(400, { ...values, action: "attest", message: "Give the name of the person confirming the scope." });
    if (statement.length < 20) return fail(400, { ...values, action: "attest", message: "Write the confirmation statement (at least 20 characters): the assessor reads it." });
    try {
      await api(event).post("/v1/evidence/attestations", { name, statement, serviceProvider, ...(title ? { title } : {}) });
      return { action: "attest", attested: true };
    } catch (e) {
      return failed(e, "attest", values);
    }
  },
};
