import { desc } from "drizzle-orm";
import type { TenantStatement } from "../../db/tenant-db.js";
import { evidenceArtifacts, type EvidenceArtifactRow, type EvidenceKind } from "../../db/schema/index.js";
import { ARTIFACT_FORMAT, KIND_PCI, sealArtifact, type SealedArtifact } from "../../evidence/artifact.js";
import { randomId } from "../../lib/crypto.js";
import { recordAudit } from "../audit/record.js";
import type { EvidenceCtx } from "./ctx.js";
import { activeSigningKey } from "./keys.js";

/** 7 years (DESIGN §5), as days: 7 × 365 + 2 leap days. */
export const RETENTION_MS = (7 * 365 + 2) * 86_400_000;
const ATTEMPTS = 4;

export interface NewArtifact {
  kind: EvidenceKind;
  title: string;
  body: unknown;
  /** Diagrams: the SVG, stored beside the JSON; the body carries its SHA-256. */
  svg?: string;
  /** A body that names artifacts sealed before it in the same append (the drift report names its snapshot). */
  bodyFrom?: (earlier: SealedRef[]) => unknown;
}

export interface SealedRef {
  kind: EvidenceKind;
  artifactId: string;
  seq: number;
  sha256: string;
  createdAt: string;
}

export const r2KeyOf = (tenantId: string, id: string) => `${tenantId}/evidence/${id}`;

/**
 * Appends artifacts to the tenant's chain: each gets the next seq and the previous hash, is
 * canonicalized, hashed and signed; bytes and signature go to R2 (with a retention date), then
 * the index rows and their audit row go to D1 in one transaction. If another writer took the
 * seq first, the unique (tenant, seq) index refuses the batch and we rebuild on the new head.
 */
export async function appendArtifacts(ctx: EvidenceCtx, items: NewArtifact[], audit?: { action: string; detail?: Record<string, unknown> }): Promise<EvidenceArtifactRow[]> {
  const signing = await activeSigningKey(ctx);
  for (let attempt = 0; ; attempt++) {
    const head = (await ctx.db.select(evidenceArtifacts, { orderBy: [desc(evidenceArtifacts.seq)], limit: 1 }))[0];
    let seq = head?.seq ?? 0;
    let prevHash = head?.sha256 ?? null;
    const now = ctx.now();
    const sealed: { item: NewArtifact; s: SealedArtifact }[] = [];
    for (const item of items) {
      const id = randomId("evd_");
      const s = await sealArtifact(
        {
          format: ARTIFACT_FORMAT,
          kind: item.kind,
          id,
          tenantId: ctx.tenantId,
          seq: ++seq,
          prevHash,
          kid: signing.kid,
          createdAt: new Date(now).toISOString(),
          createdBy: ctx.actor,
          pci: KIND_PCI[item.kind],
          title: item.title,
          body: item.bodyFrom ? item.bodyFrom(sealed.map(({ s: x }) => ({ kind: x.artifact.kind, artifactId: x.artifact.id, seq: x.artifact.seq, sha256: x.sha256, createdAt: x.artifact.createdAt }))) : item.body,
        },
        signing.key,
      );
      prevHash = s.sha256;
      sealed.push({ item, s });
    }
    const retainUntil = now + RETENTION_MS;
    const meta = { retainUntil: new Date(retainUntil).toISOString() };
    await Promise.all(
      sealed.flatMap(({ item, s }) => {
        const key = r2KeyOf(ctx.tenantId, s.artifact.id);
        return [
          ctx.blobs.put(`${key}.json`, s.bytes, { httpMetadata: { contentType: "application/json" }, customMetadata: { ...meta, sha256: s.sha256 } }),
          ctx.blobs.put(`${key}.jws`, s.jws, { httpMetadata: { contentType: "application/jose" }, customMetadata: meta }),
          ...(item.svg !== undefined ? [ctx.blobs.put(`${key}.svg`, item.svg, { httpMetadata: { contentType: "image/svg+xml" }, customMetadata: meta })] : []),
        ];
      }),
    );
    const rows: EvidenceArtifactRow[] = sealed.map(({ s }) => ({
      id: s.artifact.id,
      tenantId: ctx.tenantId,
      seq: s.artifact.seq,
      kind: s.artifact.kind,
      sha256: s.sha256,
      prevHash: s.artifact.prevHash,
      kid: s.artifact.kid,
      r2Key: r2KeyOf(ctx.tenantId, s.artifact.id),
      bytes: s.bytes.byteLength,
      title: s.artifact.title,
      createdBy: ctx.actor,
      createdAt: now,
      retainUntil,
    }));
    const statements: TenantStatement[] = rows.map(({ tenantId: _t, ...row }) => ctx.db.insert(evidenceArtifacts, row));
    statements.push(recordAudit(ctx, { action: audit?.action ?? "evidence.generate", target: rows.map((r) => r.id).join(","), detail: { kinds: rows.map((r) => r.kind), seq: rows.map((r) => r.seq), ...audit?.detail } }));
    try {
      await ctx.db.batch(statements);
      return rows;
    } catch (err) {
      // The orphaned R2 objects of a lost race are never indexed, so never served.
      if (attempt + 1 >= ATTEMPTS || !/UNIQUE/i.test(String((err as Error).message) + String((err as Error).cause ?? ""))) throw err;
    }
  }
}
