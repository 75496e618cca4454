/**
 * The auditor's side end to end in real Chromium: an admin signs up, the sample collector sends
 * its scan and flows, the admin generates signed evidence, confirms the scope (12.5.2) and
 * creates a share link; a fresh browser (no cookies) opens the link, reads the scope, a
 * resource's reasons and a diagram, downloads the assessor package and it verifies offline;
 * admin pages refuse it; the admin revokes the link and the auditor's reload says so.
 * Screenshots land in test-output/web/share-*.png.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { northwindAccount } from "../../../collector/sample-cloud/company.js";
import { startEc2Server } from "../../../collector/sample-cloud/ec2-server.js";
import { writeNorthwindFlowLogs } from "../../../collector/sample-cloud/flow-logs.js";
import { verifyPackage } from "../../../collector/src/verify/package.js";
import { runCollector } from "../../../scripts/local/collector.js";
import { freePort } from "../../../scripts/local/free-port.js";
import { buildWeb, startWebDev, type RunningWeb } from "../../../scripts/local/web.js";
import { applyLocalMigrations, ROOT, startWranglerDev, type RunningWorker } from "../../../scripts/local/worker.js";

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];
const work = mkdtempSync(join(tmpdir(), "psg-share-e2e-"));
const shots = join(ROOT, "test-output", "web");
mkdirSync(shots, { recursive: true });
// Our own dev registry, so the web worker's binding finds this API worker and no other.
process.env.WRANGLER_REGISTRY_PATH = join(work, "registry");

let api: RunningWorker;
let web: RunningWeb;
let ec2: { url: string; close(): Promise<void> };
let browser: Browser;
let admin: Page;
let auditorContext: BrowserContext;
let auditor: Page;
let shareUrl = "";
const flowDir = join(work, "flowlogs");
const stateDir = join(work, "collector");

const shot = (name: string, target: Page) => target.screenshot({ path: join(shots, `share-${name}.png`), fullPage: true });

function enroll(apiUrl: string, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, "node_modules", ".bin", "tsx"), [join(ROOT, "collector", "src", "cli.ts"), "enroll", "--api", apiUrl, "--token", token, "--name", "northwind-aws"], {
      cwd: ROOT,
      env: { ...process.env, PSG_STATE_DIR: stateDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`enroll exited ${code}: ${out}`))));
  });
}

beforeAll(async () => {
  const persist = join(work, "state");
  const [apiPort, webPort] = [await freePort(), await freePort()];
  await Promise.all([applyLocalMigrations(persist), buildWeb()]);
  api = await startWranglerDev(apiPort, { persistTo: persist, vars: { OPERATOR_TOKEN: randomBytes(16).toString("hex"), EVIDENCE_KEY_SECRET: randomBytes(32).toString("hex") } });
  web = await startWebDev(webPort, { vars: { API_PUBLIC_URL: api.url } });
  ec2 = await startEc2Server({ accounts: [northwindAccount()] });
  writeNorthwindFlowLogs(flowDir, Math.floor(Date.now() / 1000));
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  admin = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await ec2?.close();
  web?.stop();
  api?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("an auditor through a share link, in Chromium", () => {
  it("admin signs up and the sample collector sends its scan and flows", async () => {
    await admin.goto(`${web.url}/signup`);
    await admin.fill("input[name=tenantName]", "Northwind Outfitters");
    await admin.fill("input[name=name]", "Nadia Owner");
    await admin.fill("input[name=email]", `owner-${Date.now()}@northwind.example`);
    await admin.fill("input[name=password]", "a long enough password");
    await admin.click("button[type=submit]");
    await admin.waitForURL(/\/collectors/);
    await admin.click("text=Create enrollment token");
    const line = await admin.textContent("[data-testid=docker-run]");
    await enroll(api.url, /PSG_ENROLL_TOKEN=(\S+)/.exec(line ?? "")![1]!);
    await runCollector({ api: api.url, apiKey: "unused: already enrolled", ec2Url: ec2.url, flowDir, stateDir, echo: false });
  }, 180_000);

  it("admin generates evidence, confirms the scope (12.5.2) and creates a share link shown once", async () => {
    await admin.click("nav >> text=Evidence");
    await admin.waitForURL(/\/evidence$/);
    await admin.click("[data-testid=generate]");
    // Signing a fresh snapshot of every resource takes a while on a loaded machine.
    await admin.locator("[data-testid=generated], [role=alert]").first().waitFor({ timeout: 90_000 });
    expect(await admin.locator("[role=alert]").count(), (await admin.locator("[role=alert]").allTextContents()).join()).toBe(0);
    expect(await admin.locator("[data-testid=artifacts] tbody tr[data-kind]").count()).toBeGreaterThanOrEqual(5);
    await admin.fill("[data-testid=attest-form] input[name=name]", "Nadia Owner");
    await admin.fill("[data-testid=attest-form] textarea[name=statement]", "I confirm the PCI DSS scope in the current snapshot is accurate and complete for Northwind's AWS estate.");
    await admin.click("[data-testid=attest-form] button[type=submit]");
    await admin.locator("[data-testid=attested], [role=alert]").first().waitFor({ timeout: 90_000 });
    expect(await admin.locator("[role=alert]").count(), (await admin.locator("[role=alert]").allTextContents()).join()).toBe(0);
    expect(await admin.locator("[data-testid=artifacts] tr[data-kind=scope_attestation]").count()).toBe(1);
    await shot("01-admin-evidence", admin);

    await admin.click("nav >> text=Share links");
    await admin.waitForURL(/\/share-links$/);
    await admin.fill("[data-testid=share-form] input[name=note]", "QSA Jane Doe — 2026 assessment");
    // The form says max 90; the server says it too when the browser's check is bypassed.
    await admin.$eval("[data-testid=share-form]", (f) => ((f as HTMLFormElement).noValidate = true));
    await admin.fill("[data-testid=share-form] input[name=days]", "120");
    await admin.click("[data-testid=share-form] button[type=submit]");
    expect(await admin.textContent("[role=alert]")).toMatch(/between 1 and 90 days/);
    await admin.fill("[data-testid=share-form] input[name=days]", "14");
    await admin.click("[data-testid=share-form] button[type=submit]");
    shareUrl = (await admin.textContent("[data-testid=share-url]"))!.trim();
    expect(shareUrl).toMatch(new RegExp(`^${web.url}/share/psgl_[A-Za-z0-9_-]{43}$`));
    expect(await admin.textContent("[data-testid=share-links]")).toContain("QSA Jane Doe");
    await shot("02-admin-share-links", admin);
  }, 240_000);

  it("a fresh browser opens the link: the scope, a resource's reasons, the inventory search", async () => {
    auditorContext = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    expect(await auditorContext.cookies()).toEqual([]);
    auditor = await auditorContext.newPage();
    await auditor.goto(shareUrl);
    expect(auditor.url()).toBe(shareUrl);
    expect(await auditor.textContent("[data-testid=share-banner]")).toContain("Northwind Outfitters");
    expect(Number((await auditor.textContent("[data-testid=count-cde] .stat"))?.match(/\d+/)?.[0])).toBeGreaterThan(0);
    // No way into the admin app from here.
    for (const href of ["/", "/inventory", "/evidence", "/share-links", "/settings/users", "/collectors"]) expect(await auditor.locator(`a[href="${href}"]`).count()).toBe(0);
    expect(await auditor.locator("form[method=POST], form[method=post]").count()).toBe(0);
    await shot("03-auditor-scope", auditor);

    await auditor.click("[data-testid=count-cde]");
    await auditor.waitForURL(/\/resources\?scope=cde/);
    const rows = auditor.locator("[data-testid=inventory] tbody tr");
    expect(await rows.count()).toBeGreaterThan(0);
    await shot("04-auditor-inventory-cde", auditor);
    await auditor.click("[data-testid=inventory] tbody tr a");
    await auditor.waitForURL(/\/share\/psgl_[^/]+\/resources\/.+/);
    expect(await auditor.textContent("[data-testid=decision]")).toContain("CDE");
    const reasons = await auditor.textContent("[data-testid=reasons]");
    expect(reasons).toMatch(/deciding reason/);
    expect(reasons).toMatch(/PCI DSS/);
    // Links inside the reasons and flows stay in the auditor's view.
    const hrefs = await auditor.locator("main a[href*='/resources/']").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    for (const h of hrefs) expect(h).toMatch(/^\/share\/psgl_/);
    expect(await auditor.locator("[data-testid=override-form]").count()).toBe(0);
    await shot("05-auditor-resource", auditor);

    await auditor.goto(`${shareUrl}/resources`);
    await auditor.fill("input[name=q]", "finance-reporting");
    await auditor.click("form.filters button[type=submit]");
    await auditor.waitForURL(/q=finance-reporting/);
    expect(await rows.count()).toBe(1);
  });

  it("views a diagram inline and downloads the assessor package, which verifies offline", async () => {
    await auditor.click("header nav >> text=Evidence");
    await auditor.waitForURL(/\/evidence$/);
    const img = auditor.locator("[data-testid=diagram]").first();
    await img.scrollIntoViewIfNeeded();
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    const kids = await auditor.locator("[data-testid=kid]").allTextContents();
    expect(kids.length).toBeGreaterThan(0);
    await shot("06-auditor-evidence", auditor);

    const [svgDownload] = await Promise.all([auditor.waitForEvent("download"), auditor.locator("[data-testid=artifacts] tr[data-kind=network_diagram] a", { hasText: "svg" }).first().click()]);
    expect(svgDownload.suggestedFilename()).toMatch(/network_diagram\.svg$/);

    const [download] = await Promise.all([auditor.waitForEvent("download"), auditor.click("[data-testid=download-package]")]);
    expect(download.suggestedFilename()).toMatch(/\.zip$/);
    const file = join(work, "package.zip");
    await download.saveAs(file);
    const result = await verifyPackage(new Uint8Array(readFileSync(file)), { pins: kids });
    expect(result.findings.filter((f) => !f.ok)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.summary.pinned).toBe(true);
  });

  it("admin pages and the admin API refuse the auditor", async () => {
    for (const path of ["/inventory", "/evidence", "/share-links"]) {
      await auditor.goto(`${web.url}${path}`);
      expect(auditor.url()).toContain("/login");
    }
    await shot("07-auditor-admin-refused", auditor);
    const token = shareUrl.split("/share/")[1]!;
    const direct = await fetch(`${api.url}/v1/resources`, { headers: { authorization: `Bearer ${token}` } });
    expect(direct.status).toBe(403);
    const write = await fetch(`${api.url}/v1/share-links`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: "{}" });
    expect(write.status).toBe(403);
  });

  it("admin reads the access log and revokes; the auditor's reload shows the link is revoked", async () => {
    await auditor.goto(`${shareUrl}/evidence`);
    await admin.goto(`${web.url}/share-links`);
    await admin.click("[data-testid=share-links] a >> text=Access log");
    const log = await admin.textContent("[data-testid=access-log]");
    expect(log).toContain("/v1/share/evidence");
    expect(log).not.toMatch(/psgl_[A-Za-z0-9_-]{10}/);
    await shot("08-admin-access-log", admin);

    await admin.goto(`${web.url}/share-links`);
    await admin.click("[data-testid=share-links] button >> text=Revoke");
    await admin.locator("text=Link revoked").waitFor();
    expect(await admin.locator("[data-testid=share-links-ended] tr[data-status=revoked]").count()).toBe(1);
    await shot("09-admin-revoked", admin);

    const res = await auditor.reload();
    expect(res?.status()).toBe(410);
    expect(await auditor.getAttribute("[data-testid=share-error]", "data-code")).toBe("SHARE_LINK_REVOKED");
    expect(await auditor.textContent("h1")).toContain("revoked");
    await shot("10-auditor-revoked", auditor);
    const pkg = await fetch(`${shareUrl}/package`);
    expect(pkg.status).toBe(410);
  });
});
