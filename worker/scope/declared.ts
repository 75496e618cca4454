import type { Resource } from "../../contract/index.js";
import { makeReason, type Findings } from "./findings.js";
import type { ScopeGraph } from "./graph.js";
import { SCOPE_PRECEDENCE, type Override, type Scope } from "./types.js";
import {
  declaresAccountData, isKeywordTagKey, mayHoldPaymentKeyword, paymentKeyword, scopeTag, securityRole, type RoleTag,
} from "./tokens.js";

/** Kinds that store or process data, where a payment word in the name means something. */
const KEYWORD_KINDS = new Set<string>(["database", "bucket", "instance", "function", "container_service", "k8s_cluster"]);

export interface KeywordHit {
  field: string;
  text: string;
  keyword: string;
}

/** Facts read from each resource on its own, before any graph rule runs. */
export interface Signals {
  keyword: (KeywordHit | undefined)[];
  role: (RoleTag | undefined)[];
}

/** The unexpired override per uid; several → the newest, ties broken by content so order never matters. */
export function activeOverrides(overrides: readonly Override[], now: number): Map<string, Override> {
  const out = new Map<string, Override>();
  for (const o of overrides) {
    if (o.expiresAt !== undefined) {
      const expires = Date.parse(o.expiresAt);
      // An expiry we cannot read is treated as passed: an override must not outlive its intent.
      if (!Number.isFinite(expires) || expires <= now) continue;
    }
    const held = out.get(o.uid);
    if (held === undefined || newer(o, held)) out.set(o.uid, o);
  }
  return out;
}

function newer(a: Override, b: Override): boolean {
  const ta = Date.parse(a.createdAt);
  const tb = Date.parse(b.createdAt);
  if (ta !== tb) return (Number.isFinite(ta) ? ta : -Infinity) > (Number.isFinite(tb) ? tb : -Infinity);
  return `${a.scope}\u0000${a.author}\u0000${a.justification}` < `${b.scope}\u0000${b.author}\u0000${b.justification}`;
}

function findKeyword(r: Resource): KeywordHit | undefined {
  if (mayHoldPaymentKeyword(r.name)) {
    const k = paymentKeyword(r.name);
    if (k !== undefined) return { field: "name", text: r.name, keyword: k };
  }
  for (const key of Object.keys(r.tags ?? {}).sort()) {
    const value = r.tags[key]!;
    if (!isKeywordTagKey(key) || !mayHoldPaymentKeyword(value)) continue;
    const k = paymentKeyword(value);
    if (k !== undefined) return { field: `tag:${key}`, text: value, keyword: k };
  }
  return undefined;
}

/**
 * Overrides, pci:scope tags and data-classification tags become reasons now; keyword and
 * role hits are kept as signals for the graph rules that decide what they are worth.
 */
export function readDeclared(graph: ScopeGraph, overrides: readonly Override[], now: number, found: Findings): Signals {
  const n = graph.resources.length;
  const active = activeOverrides(overrides, now);
  const keyword = new Array<KeywordHit | undefined>(n);
  const role = new Array<RoleTag | undefined>(n);

  for (let i = 0; i < n; i++) {
    const r = graph.resources[i]!;
    const override = active.get(r.uid);
    if (override !== undefined) {
      found.declared[i] = override.scope;
      const evidence = { type: "override" as const, scope: override.scope, author: override.author, at: override.createdAt, justification: override.justification };
      found.add(i, makeReason("override.manual", `Manual decision by ${override.author}: ${override.scope}`, [
        override.expiresAt === undefined ? evidence : { ...evidence, expiresAt: override.expiresAt },
      ], override.scope));
    }

    let tagScope: Scope | undefined;
    let tagKey = "";
    let dataKey: string | undefined;
    let roleTag: RoleTag | undefined;
    const tags = r.tags ?? {};
    for (const key of Object.keys(tags).sort()) {
      const value = tags[key]!;
      const s = scopeTag(key, value);
      // Conflicting scope tags: the more in-scope one wins, the safe direction for PCI.
      if (s !== undefined && (tagScope === undefined || SCOPE_PRECEDENCE.indexOf(s) < SCOPE_PRECEDENCE.indexOf(tagScope))) {
        tagScope = s;
        tagKey = key;
      }
      if (dataKey === undefined && declaresAccountData(key, value)) dataKey = key;
      roleTag ??= securityRole(key, value);
    }
    if (tagScope !== undefined) {
      if (found.declared[i] === undefined) found.declared[i] = tagScope;
      found.add(i, makeReason("tag.pci_scope", `Tagged ${tagKey}=${tags[tagKey]}`, [
        { type: "tag", key: tagKey, value: tags[tagKey]! },
      ], tagScope));
    }
    if (dataKey !== undefined) {
      found.add(i, makeReason("cde.data_classification", `Tagged as holding account data (${dataKey}=${tags[dataKey]})`, [
        { type: "tag", key: dataKey, value: tags[dataKey]! },
      ]));
    } else if (KEYWORD_KINDS.has(r.kind)) {
      keyword[i] = findKeyword(r);
    }
    role[i] = roleTag;
  }
  return { keyword, role };
}
