import { CompactSign } from "jose";
import type { EvidenceKind } from "../db/schema/evidence.js";
import { canonicalBytes, sha256HexOf } from "./canonical.js";

export const ARTIFACT_FORMAT = "psg-evidence/1";
export const JWS_TYPE = "psg-evidence+jws";

/** What each kind answers, in PCI DSS terms (PCI-SCOPING.md); written into every artifact. */
export const KIND_PCI: Record<EvidenceKind, string[]> = {
  scope_snapshot: ["PCI DSS 12.5.1", "PCI DSS 12.5.2"],
  segmentation_report: ["PCI DSS 1.3.1", "PCI DSS 1.3.2", "PCI DSS 11.4.5", "PCI DSS 11.4.6"],
  network_diagram: ["PCI DSS 1.2.3"],
  data_flow_diagram: ["PCI DSS 1.2.4"],
  drift_report: ["PCI DSS 12.5.2", "PCI DSS A3.2.1"],
  scope_attestation: ["PCI DSS 12.5.2", "PCI DSS 12.5.2.1"],
  audit_log: ["PCI DSS 12.5.2"],
};

/**
 * The signed object. `hash = SHA-256(JCS(artifact))`; the JWS (ES256, detached payload) signs
 * those same bytes; `prevHash` is the hash of the tenant's previous artifact (null for seq 1).
 */
export interface Artifact<B = unknown> {
  format: typeof ARTIFACT_FORMAT;
  kind: EvidenceKind;
  id: string;
  tenantId: string;
  seq: number;
  prevHash: string | null;
  kid: string;
  createdAt: string;
  createdBy: string;
  pci: string[];
  title: string;
  body: B;
}

export interface SealedArtifact {
  artifact: Artifact;
  /** RFC 8785 bytes of `artifact`. */
  bytes: Uint8Array;
  sha256: string;
  /** Compact JWS with the payload detached: `header..signature`. */
  jws: string;
}

/** Canonicalizes, hashes and signs. Pure apart from the signature's randomness. */
export async function sealArtifact(artifact: Artifact, signingKey: CryptoKey): Promise<SealedArtifact> {
  const bytes = canonicalBytes(artifact);
  const [sha256, compact] = await Promise.all([
    sha256HexOf(bytes),
    new CompactSign(bytes).setProtectedHeader({ alg: "ES256", kid: artifact.kid, typ: JWS_TYPE }).sign(signingKey),
  ]);
  const [header, , signature] = compact.split(".");
  return { artifact, bytes, sha256, jws: `${header}..${signature}` };
}

/** Signs any bytes (the package manifest) the same way. */
export async function detachedJws(bytes: Uint8Array, kid: string, signingKey: CryptoKey): Promise<string> {
  const compact = await new CompactSign(bytes).setProtectedHeader({ alg: "ES256", kid, typ: JWS_TYPE }).sign(signingKey);
  const [header, , signature] = compact.split(".");
  return `${header}..${signature}`;
}
