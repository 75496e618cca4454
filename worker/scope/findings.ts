import { CONFIRMED_CDE_CONFIDENCE, RULES, type RuleId } from "./catalog.js";
import type { Evidence, Reason, Scope } from "./types.js";

export function makeReason(rule: RuleId, summary: string, evidence: Evidence[], scope?: Scope, confidence?: number): Reason {
  const spec = RULES[rule];
  const s = scope ?? spec.scope;
  if (s === null) throw new Error(`rule ${rule} needs an explicit scope`);
  return { rule, scope: s, confidence: confidence ?? spec.confidence, pci: [...spec.pci], summary, evidence };
}

/**
 * What the rules found so far, per resource index. `declared` is the scope an override or
 * a pci:scope tag imposes (override first); computed reasons are kept next to it, never dropped.
 */
export class Findings {
  readonly reasons: (Reason[] | undefined)[];
  readonly declared: (Scope | undefined)[];
  /** Highest confidence of a computed (not declared) cde reason. */
  readonly cdeConfidence: Float64Array;

  /** When set, every reason added is also appended here (per index): how the classifier keeps the reasons of one phase. */
  record: (Reason[] | undefined)[] | undefined;

  constructor(readonly size: number) {
    this.reasons = new Array<Reason[] | undefined>(size);
    this.declared = new Array<Scope | undefined>(size);
    this.cdeConfidence = new Float64Array(size);
  }

  add(i: number, reason: Reason): void {
    const list = this.reasons[i];
    if (list === undefined) this.reasons[i] = [reason];
    else list.push(reason);
    if (this.record !== undefined) {
      const kept = this.record[i];
      if (kept === undefined) this.record[i] = [reason];
      else kept.push(reason);
    }
    if (reason.scope === "cde" && reason.rule !== "override.manual" && reason.rule !== "tag.pci_scope" && reason.confidence > this.cdeConfidence[i]!) {
      this.cdeConfidence[i] = reason.confidence;
    }
  }

  /** Confirmed CDE component: declared cde, or (nothing declared and) a computed cde reason ≥ 0.5. */
  isConfirmedCde(i: number): boolean {
    const d = this.declared[i];
    if (d !== undefined) return d === "cde";
    return this.cdeConfidence[i]! >= CONFIRMED_CDE_CONFIDENCE;
  }

  confirmedCde(): Uint8Array {
    const out = new Uint8Array(this.size);
    for (let i = 0; i < this.size; i++) if (this.isConfirmedCde(i)) out[i] = 1;
    return out;
  }
}
