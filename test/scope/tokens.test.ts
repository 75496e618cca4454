import { describe, expect, it } from "vitest";
import { declaresAccountData, paymentKeyword, scopeTag, securityRole, tokenize } from "../../worker/scope/tokens.js";

describe("tokenize", () => {
  it("splits on separators and camelCase, lowercases, keeps order", () => {
    expect(tokenize("PaymentService-prod_01")).toEqual(["payment", "service", "prod", "01"]);
    expect(tokenize("CHDVault")).toEqual(["chd", "vault"]);
    expect(tokenize("")).toEqual([]);
  });
});

describe("paymentKeyword: whole words only", () => {
  it.each(["cardgame", "card-game", "cardgame-server-01", "discard-queue", "sim-card-inventory", "scorecard", "japan-web", "panorama", "expand-svc", "wildcard-cert"])(
    "%s is not a payment signal",
    (name) => expect(paymentKeyword(name)).toBeUndefined(),
  );
  it.each([
    ["payments-db", "payments"],
    ["PaymentGateway", "payment"],
    ["paymentgateway", "paymentgateway"],
    ["cardholder-store", "cardholder"],
    ["card-holder-data", "card holder"],
    ["credit-card-vault", "credit card"],
    ["pan-tokenizer", "pan"],
    ["tokenization-svc", "tokenization"],
    ["checkout-api", "checkout"],
    ["billing", "billing"],
  ])("%s → %s", (name, keyword) => expect(paymentKeyword(name)).toBe(keyword));
});

describe("scopeTag", () => {
  it("accepts the key's spellings, case-insensitively, and both value spellings", () => {
    expect(scopeTag("pci:scope", "cde")).toBe("cde");
    expect(scopeTag("PCI:Scope", "CDE")).toBe("cde");
    expect(scopeTag("pci-scope", "security-impacting")).toBe("security_impacting");
    expect(scopeTag("pci_scope", "security_impacting")).toBe("security_impacting");
    expect(scopeTag("pci:scope", "out-of-scope")).toBe("out_of_scope");
    expect(scopeTag("pci:scope", "Out_Of_Scope")).toBe("out_of_scope");
    expect(scopeTag("pci:scope", "connected")).toBe("connected");
  });
  it("ignores unknown values and other keys", () => {
    expect(scopeTag("pci:scope", "maybe")).toBeUndefined();
    expect(scopeTag("pci:scope", "")).toBeUndefined();
    expect(scopeTag("scope", "cde")).toBeUndefined();
  });
});

describe("declaresAccountData", () => {
  it("reads data-classification tags declaring account data", () => {
    for (const key of ["data-classification", "data_classification", "DataClassification", "dataclass"]) {
      for (const value of ["pci", "cardholder", "CHD", "pan", "PCI-DSS", "cardholder_data"]) expect(declaresAccountData(key, value)).toBe(true);
    }
  });
  it("does not read negations or other classes", () => {
    expect(declaresAccountData("data-classification", "non-pci")).toBe(false);
    expect(declaresAccountData("data-classification", "no PAN")).toBe(false);
    expect(declaresAccountData("data-classification", "confidential")).toBe(false);
    expect(declaresAccountData("owner", "pci")).toBe(false);
  });
});

describe("securityRole", () => {
  it("recognises role tags under role/Role/function", () => {
    expect(securityRole("role", "bastion")?.role).toBe("bastion");
    expect(securityRole("Role", "Jump-Host")?.role).toBe("jump");
    expect(securityRole("function", "dns")?.role).toBe("dns");
    expect(securityRole("role", "patch-mirror")?.webService).toBe(true);
    expect(securityRole("role", "web")).toBeUndefined();
    expect(securityRole("team", "bastion")).toBeUndefined();
  });
});
