import type { Scope } from "./types.js";

/**
 * Words, not substrings: "discard", "cardgame" and "card-game" must never read as
 * cardholder data. Splits on anything that is not a letter or digit and on camelCase
 * boundaries, lowercases, and keeps order (two-word signals such as "credit card" need it).
 */
export function tokenize(text: string): string[] {
  const spaced = text.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2");
  const out: string[] = [];
  for (const part of spaced.toLowerCase().split(/[^a-z0-9]+/)) if (part) out.push(part);
  return out;
}

/** Tag keys compare without case or separators: "PCI:Scope", "pci-scope", "pci_scope" are one key. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, "");
}

const SCOPE_TAG_KEYS = new Set(["pciscope"]);
const SCOPE_TAG_VALUES: Record<string, Scope> = {
  cde: "cde",
  connected: "connected",
  securityimpacting: "security_impacting",
  outofscope: "out_of_scope",
};

/** `pci:scope` and its spellings → a scope; unknown values give undefined (ignored, never a crash). */
export function scopeTag(key: string, value: string): Scope | undefined {
  if (!SCOPE_TAG_KEYS.has(normalizeKey(key))) return undefined;
  return SCOPE_TAG_VALUES[normalizeKey(value)];
}

const DATA_CLASS_KEYS = new Set(["dataclassification", "dataclass", "dataclassificationlevel", "classification"]);
const ACCOUNT_DATA_TOKENS = new Set(["pci", "pcidss", "cardholder", "chd", "pan", "accountdata"]);
const NEGATIONS = new Set(["non", "no", "not", "none", "without", "free"]);

/** A data-classification tag that declares account data ("pci", "cardholder", "chd", "pan"); "non-pci" does not. */
export function declaresAccountData(key: string, value: string): boolean {
  if (!DATA_CLASS_KEYS.has(normalizeKey(key))) return false;
  const tokens = tokenize(value);
  if (tokens.some((t) => NEGATIONS.has(t))) return false;
  if (tokens.some((t) => ACCOUNT_DATA_TOKENS.has(t))) return true;
  // "card-holder-data", "cardholder_data"
  const joined = tokens.join("");
  return joined.startsWith("cardholder") || joined === "accountdata";
}

/** Only descriptive tags are searched for payment words; owner/team/cost-centre tags are not about the system. */
const KEYWORD_TAG_KEYS = new Set([
  "name", "app", "application", "service", "component", "purpose", "workload", "system", "stack", "description",
]);
export function isKeywordTagKey(key: string): boolean {
  return KEYWORD_TAG_KEYS.has(normalizeKey(key));
}

/** Whole-word payment signals. "card" alone is deliberately absent: card games, discard, SIM cards. */
const PAYMENT_WORDS = new Set(["payment", "payments", "cardholder", "cardholders", "pan", "chd", "pci", "checkout", "billing", "vault", "acquirer", "acquiring", "tokenizer", "tokenization", "tokenisation", "tokeniser", "tokenize", "tokenise"]);
/** Long stems may open a run-together word: "paymentgateway", "cardholderdb", "tokenizationsvc". */
const PAYMENT_STEMS = ["payment", "cardholder", "checkout", "billing", "tokeniz", "tokenis"];
/** "card" counts only next to one of these: "credit card", "card data", "card holder". */
const CARD_PARTNERS = new Set(["credit", "debit", "holder", "holders", "data", "number", "numbers", "payment", "payments", "processing", "processor", "vault"]);
const CARD_COMPOUNDS = new Set(["creditcard", "creditcards", "debitcard", "debitcards", "carddata", "cardnumber", "cardprocessing", "cardvault"]);

/** The payment word a text contains, as it appears, or undefined. */
export function paymentKeyword(text: string): string | undefined {
  const tokens = tokenize(text);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (PAYMENT_WORDS.has(t) || CARD_COMPOUNDS.has(t)) return t;
    for (const stem of PAYMENT_STEMS) if (t.startsWith(stem)) return t;
    if (t === "card" || t === "cards") {
      const prev = tokens[i - 1];
      const next = tokens[i + 1];
      if (prev !== undefined && CARD_PARTNERS.has(prev)) return `${prev} ${t}`;
      if (next !== undefined && CARD_PARTNERS.has(next)) return `${t} ${next}`;
    }
  }
  return undefined;
}

/** Cheap pre-filter so 100k names are not all tokenized: every payment word holds one of these. */
const KEYWORD_HINT = /pay|card|pan|chd|pci|checkout|billing|vault|acquir|tokeni/i;
export function mayHoldPaymentKeyword(text: string): boolean {
  return KEYWORD_HINT.test(text);
}

const ROLE_TAG_KEYS = new Set(["role", "function", "serverrole", "purpose"]);
const SECURITY_ROLES = new Set([
  "bastion", "jump", "jumphost", "jumpbox", "dns", "ntp", "ad", "directory", "ldap", "kerberos", "siem", "logging",
  "log", "logs", "syslog", "patch", "patching", "wsus", "repo", "mirror", "ci", "cicd", "deploy", "deployment", "kms", "hsm", "pki", "ca",
  "monitoring", "av", "antivirus", "antimalware", "edr", "ids", "ips", "vulnscan", "scanner", "puppet", "salt", "ansible", "chef",
]);
/** Roles whose service runs on ordinary web ports (a package mirror, a key service), so 80/443 count for them. */
const WEB_PORT_ROLES = new Set(["patch", "patching", "wsus", "repo", "mirror", "kms", "hsm", "pki", "ca", "antivirus", "av", "antimalware", "edr"]);

export interface RoleTag {
  key: string;
  value: string;
  role: string;
  /** The role serves over 80/443 or any port (package mirror, KMS/HSM). */
  webService: boolean;
}

export function securityRole(key: string, value: string): RoleTag | undefined {
  if (!ROLE_TAG_KEYS.has(normalizeKey(key))) return undefined;
  const tokens = tokenize(value);
  for (const t of tokens) if (SECURITY_ROLES.has(t)) return { key, value, role: t, webService: WEB_PORT_ROLES.has(t) };
  const joined = tokens.join("");
  if (SECURITY_ROLES.has(joined)) return { key, value, role: joined, webService: WEB_PORT_ROLES.has(joined) };
  return undefined;
}
