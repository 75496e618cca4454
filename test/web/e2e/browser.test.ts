/**
 * End to end in real Chromium: a new organisation signs up in the web app, creates an
 * enrollment token, the sample collector enrolls with it and sends its scan and flows, the
 * scope appears, a resource's reasons are read and it is overridden — all through the web
 * worker and its service binding to the API worker, both in `wrangler dev`. Screenshots of
 * every page land in test-output/web/.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEc2Server } from "../../../collector/sample-cloud/ec2-server.js";
import { northwindAccount } from "../../../collector/sample-cloud/company.js";
import { writeNorthwindFlowLogs } from "../../../collector/sample-cloud/flow-logs.js";
import { runCollector } from "../../../scripts/local/collector.js";
import { freePort } from "../../../scripts/local/free-port.js";
import { buildWeb, startWebDev, type RunningWeb } from "../../../scripts/local/web.js";
import { applyLocalMigrations, ROOT, startWranglerDev, type RunningWorker } from "../../../scripts/local/worker.js";

const work = mkdtempSync(join(tmpdir(), "psg-web-e2e-"));
const shots = join(ROOT, "test-output", "web");
mkdirSync(shots, { recursive: true });
// Our own dev registry, so the web worker's binding finds this API worker and no other
// (the collector e2e runs another "pci-scope-guard-api" at the same time).
process.env.WRANGLER_REGISTRY_PATH = join(work, "registry");

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];

let api: RunningWorker;
let web: RunningWeb;
let ec2: { url: string; close(): Promise<void> };
let browser: Browser;
let page: Page;
const flowDir = join(work, "flowlogs");
const stateDir = join(work, "collector");

async function shot(name: string, target: Page = page) {
  await target.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

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
  api = await startWranglerDev(apiPort, { persistTo: persist, vars: { OPERATOR_TOKEN: randomBytes(16).toString("hex") } });
  web = await startWebDev(webPort, { vars: { API_PUBLIC_URL: api.url } });
  ec2 = await startEc2Server({ accounts: [northwindAccount()] });
  writeNorthwindFlowLogs(flowDir, Math.floor(Date.now() / 1000));
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  // One context (one cookie jar), so a second tab is the same signed-in person.
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await ec2?.close();
  web?.stop();
  api?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("the tenant admin's web app in Chromium", () => {
  const email = `owner-${Date.now()}@northwind.example`;
  const password = "a long enough password";

  it("signs up a new organisation and lands on Collectors with what to do next", async () => {
    await page.goto(`${web.url}/`);
    expect(page.url()).toContain("/login");
    await shot("01-login");
    await page.click("text=Create an account");
    await page.fill("input[name=tenantName]", "Northwind Outfitters");
    await page.fill("input[name=name]", "Nadia Owner");
    await page.fill("input[name=email]", email);
    await page.fill("input[name=password]", password);
    await shot("02-signup");
    await page.click("button[type=submit]");
    await page.waitForURL(/\/collectors/);
    expect(await page.textContent("main")).toContain("Create an enrollment token");
    const cookie = (await page.context().cookies()).find((c) => c.name === "psg_session");
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax" });
  });

  it("creates an enrollment token and shows the exact docker run line", async () => {
    await page.click("text=Create enrollment token");
    const line = await page.textContent("[data-testid=docker-run]");
    expect(line).toMatch(/^docker run -d --name psg-collector .* -e PSG_API_URL=http:\/\/127\.0\.0\.1:\d+ -e PSG_ENROLL_TOKEN=psgenroll_\S+ .* ghcr\.io\/pci-scope-guard\/collector run$/);
    await shot("03-collectors-token");
    const token = /PSG_ENROLL_TOKEN=(\S+)/.exec(line ?? "")![1]!;
    await enroll(api.url, token);
    await runCollector({ api: api.url, apiKey: "unused: already enrolled", ec2Url: ec2.url, flowDir, stateDir, echo: false });
    await page.goto(`${web.url}/collectors`);
    expect(await page.textContent("[data-testid=collectors]")).toContain("northwind-aws");
    await shot("04-collectors");
  }, 180_000);

  it("shows the scope on the overview and the inventory", async () => {
    await page.goto(`${web.url}/`);
    expect(Number((await page.textContent("[data-testid=count-cde] .stat"))?.match(/\d+/)?.[0])).toBeGreaterThan(0);
    // The trend has the current classification's point at least.
    expect(await page.locator("[data-testid=trend-cde] svg path").count()).toBeGreaterThan(0);
    await shot("05-overview");
    await page.goto(`${web.url}/inventory?kind=instance`);
    expect(await page.locator("[data-testid=inventory] tbody tr").count()).toBe(16);
    // Sort by scope (CDE first) from the column header, then the other way; the URL keeps it.
    const RANK = ["CDE", "Security-impacting", "Connected", "Out of scope"];
    const scopes = () => page.locator("[data-testid=inventory] tbody tr td:nth-child(2) .badge").allTextContents();
    await page.click("[data-testid=inventory] th a:has-text('Scope')");
    await page.waitForURL(/sort=scope&dir=asc/);
    const asc = (await scopes()).map((t) => RANK.indexOf(t));
    expect(asc).toEqual([...asc].sort((x, y) => x - y));
    expect(new Set(asc).size).toBeGreaterThan(1);
    await page.click("[data-testid=inventory] th a:has-text('Scope')");
    await page.waitForURL(/sort=scope&dir=desc/);
    expect((await scopes()).map((t) => RANK.indexOf(t))).toEqual([...asc].sort((x, y) => y - x));
    await shot("06-inventory-sorted");
    await page.fill("input[name=q]", "finance-reporting");
    await page.click("form.filters button[type=submit]");
    await page.waitForURL(/q=finance-reporting/);
    expect(await page.locator("[data-testid=inventory] tbody tr").count()).toBe(1);
    await shot("06-inventory-search");
  });

  it("explains a resource with its reasons and evidence, then overrides it", async () => {
    await page.click("[data-testid=inventory] tbody tr a");
    await page.waitForURL(/\/resources\//);
    const reasons = await page.textContent("[data-testid=reasons]");
    expect(reasons).toContain("connected.observed_flow");
    expect(reasons).toMatch(/→ [\d.]+:5432\/tcp/);
    expect(await page.textContent("[data-testid=decision]")).toContain("Connected");
    await shot("07-resource");

    await page.selectOption("[data-testid=override-form] select[name=scope]", "cde");
    await page.fill("[data-testid=override-form] textarea", "Finance reporting reads cardholder data directly; confirmed with the DBA on 2026-11-20.");
    await page.click("[data-testid=override-form] button[type=submit]");
    await page.waitForURL(/saved=override/);
    expect(await page.textContent("[data-testid=decision]")).toContain("CDE");
    const after = await page.textContent("[data-testid=reasons]");
    expect(after).toContain("override.manual");
    expect(after).toContain("Nadia Owner");
    expect(after).toContain("confirmed with the DBA");
    await shot("08-resource-overridden");
  });

  it("draws the boundary map, zooms, filters, and downloads it as a standalone SVG", async () => {
    await page.click("nav >> text=Boundary map");
    await page.waitForURL(/\/map$/);
    await page.waitForSelector("body[data-hydrated=true]");
    const map = page.locator("[data-testid=boundary-map] svg");
    expect(await map.locator("[data-group=cde]").count()).toBe(1);
    expect(await map.locator("[data-node]").count()).toBeGreaterThan(3);
    await shot("11-boundary-map");
    const before = await map.getAttribute("viewBox");
    await page.hover("[data-testid=boundary-map]");
    await page.mouse.wheel(0, -400);
    await expect.poll(() => map.getAttribute("viewBox")).not.toBe(before);
    expect(await page.textContent("[data-testid=zoom]")).not.toBe("100 %");

    await page.check("input[name=hideOos]");
    await page.click("[data-testid=map-filters] button[type=submit]");
    await page.waitForURL(/hideOos=1/);
    expect(await page.locator("[data-testid=boundary-map] svg [data-group=out_of_scope]").count()).toBe(0);
    await shot("12-boundary-map-filtered");

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=export-svg]")]);
    expect(download.suggestedFilename()).toMatch(/^boundary-map-\d{4}-\d{2}-\d{2}\.svg$/);
    const file = join(shots, "boundary-map.svg");
    await download.saveAs(file);
    const svg = readFileSync(file, "utf8");
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    // Valid SVG by the browser's own XML parser, with the CDE group and no link back into the app.
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, "image/svg+xml");
      return { error: doc.querySelector("parsererror")?.textContent ?? null, root: doc.documentElement.localName, ns: doc.documentElement.namespaceURI, cde: doc.querySelectorAll("[data-group=cde] rect").length };
    }, svg);
    expect(parsed).toEqual({ error: null, root: "svg", ns: "http://www.w3.org/2000/svg", cde: 1 });
    expect(svg).not.toContain("href=");
  });

  it("a second tab shows a new segmentation violation live, without reloading, and triages it", async () => {
    // Tab B watches the violations, tab C the overview; both hold the live feed through /live.
    const tabB = await page.context().newPage();
    const tabC = await page.context().newPage();
    for (const t of [tabB, tabC]) t.on("pageerror", (e) => process.stderr.write(`[tab error] ${e.message}\n`));
    await tabB.goto(`${web.url}/violations`);
    await tabC.goto(`${web.url}/`);
    for (const t of [tabB, tabC]) {
      await t.bringToFront(); // a background tab may not get to hydrate in headless Chromium
      await t.waitForSelector("body[data-hydrated=true]", { state: "attached" });
      await t.waitForSelector("[data-testid=live-status][data-status=live]", { state: "attached" });
      await t.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    }
    const before = await tabB.locator("[data-testid=violation]").count();

    // Tab A declares finance-reporting out of scope; it really talks to the card vault.
    await page.goto(`${web.url}/inventory?q=finance-reporting`);
    await page.click("[data-testid=inventory] tbody tr a");
    await page.waitForURL(/\/resources\//);
    await page.selectOption("[data-testid=override-form] select[name=scope]", "out_of_scope");
    await page.fill("[data-testid=override-form] textarea", "Reporting was moved off card data in Q3; declared out of scope pending the assessor's review.");
    await page.click("[data-testid=override-form] button[type=submit]");
    await page.waitForURL(/saved=override/);
    expect(await page.textContent("[data-testid=history]")).toContain("Override to");
    const uid = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);

    // Cards name their resources; the full uid is the link's title.
    const card = tabB.locator("[data-testid=violation]", { hasText: "finance-reporting" });
    try {
      await card.first().waitFor({ timeout: 15_000 });
    } finally {
      await shot("13-violations-live", tabB);
    }
    expect(await tabB.locator("[data-testid=violation]").count()).toBeGreaterThan(before);
    expect(await card.first().textContent()).toMatch(/critical/);
    expect(await card.first().locator("[data-testid=subject]", { hasText: "finance-reporting" }).first().getAttribute("title")).toBe(uid);
    expect(await tabB.textContent("[data-testid=live-news]")).toMatch(/New critical violation/);
    await tabC.locator("[data-testid=open-violations]", { hasText: "talks to the CDE" }).waitFor({ timeout: 15_000 });
    for (const t of [tabB, tabC]) expect(await t.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await shot("14-overview-live", tabC);

    // Triage in tab B: acknowledge with a comment (a plain form post).
    await card.first().locator("textarea[name=comment]").fill("Firewall change CHG-2211 requested to cut reporting off the vault.");
    await card.first().locator("button", { hasText: "Acknowledge" }).click();
    await tabB.locator("[data-testid=triage-done]").waitFor();
    await tabB.goto(`${web.url}/violations?status=acknowledged`);
    expect(await tabB.textContent("[data-testid=violations]")).toContain("CHG-2211");
    await shot("15-violations-acknowledged", tabB);

    await tabB.goto(`${web.url}/drift`);
    expect(await tabB.locator("[data-testid=drift] tbody tr").count()).toBeGreaterThan(0);
    await shot("16-drift", tabB);
    await page.reload();
    await shot("17-resource-history");
    await tabB.close();
    await tabC.close();
  });

  it("invites a viewer by one-time link and creates an API key", async () => {
    await page.goto(`${web.url}/settings/users`);
    await page.selectOption("form[action='?/invite'] select[name=role]", "viewer");
    await page.click("text=Create invite link");
    expect(await page.textContent("[data-testid=invite-link]")).toMatch(/\/invite\/psginv_/);
    await shot("09-people");
    await page.goto(`${web.url}/settings/api-keys`);
    await page.fill("input[name=name]", "SIEM export");
    await page.click("text=Create API key");
    expect(await page.textContent("[data-testid=api-key]")).toMatch(/^psg_/);
    const row = page.locator("[data-testid=api-keys] tbody tr", { hasText: "SIEM export" });
    expect(await row.textContent()).toMatch(/read/);
    await shot("10-api-keys");
    await row.locator("button", { hasText: "Revoke" }).click();
    await page.locator("[role=status]", { hasText: "SIEM export" }).waitFor();
    expect(await page.locator("[data-testid=api-keys] tbody tr", { hasText: "SIEM export" }).textContent()).toMatch(/revoked/);
  });

  it("signs out, and the old cookie no longer works", async () => {
    const cookie = (await page.context().cookies()).find((c) => c.name === "psg_session")!;
    await page.click("text=Sign out");
    await page.waitForURL(/\/login/);
    const res = await fetch(`${web.url}/`, { headers: { cookie: `psg_session=${cookie.value}` }, redirect: "manual" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toContain("/login");
  });
});
