import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyPackage } from "../../../collector/src/verify/package.js";
import { fixturePackage, writeZip, type FixturePackage } from "./fixture.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const tsx = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url));

/** `tsx collector/src/cli.ts verify …` as a child process, as an assessor would run it. */
function verify(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tsx, ["collector/src/cli.ts", "verify", ...args], { cwd: root, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const enc = new TextEncoder();
const failLines = (out: string) => out.split("\n").filter((l) => l.startsWith("FAIL"));

describe("collector verify (CLI, child process)", () => {
  let pkg: FixturePackage;
  let good: string;
  beforeAll(async () => {
    pkg = await fixturePackage();
    good = await writeZip(pkg.files);
  });

  it("the fixture is a valid package in-process too (the generator follows the format)", async () => {
    const result = await verifyPackage(pkg.zip(), { pins: [pkg.kid] });
    expect(result.findings.filter((f) => !f.ok)).toEqual([]);
    expect(result).toMatchObject({ ok: true, summary: { artifacts: 2, chainLength: 2, pinned: true } });
  });

  it("reads both snapshot body formats; a v2 reference outside its reasons table or an unknown format FAILs, naming it, though signed", async () => {
    const v1 = await fixturePackage(undefined, { snapshot: "v1" });
    expect((await verifyPackage(v1.zip(), { pins: [v1.kid] })).findings.filter((f) => !f.ok)).toEqual([]);
    const good = (await fixturePackage()).files.get("artifacts/000001-scope_snapshot.json")!;
    const body = JSON.parse(new TextDecoder().decode(good)).body;
    expect(body.format).toBe("psg-scope-snapshot/2");
    expect(body.resources.map((r: { reasonRefs: number[] }) => r.reasonRefs)).toEqual([[0], []]);

    body.resources[1].reasonRefs = [1];
    const broken = await fixturePackage(undefined, { snapshot: { body } });
    const result = await verifyPackage(broken.zip(), { pins: [broken.kid] });
    expect(result.ok).toBe(false);
    expect(result.findings.filter((f) => !f.ok)).toEqual([
      { ok: false, check: "artifacts/000001-scope_snapshot.json: snapshot", detail: "resource arn:aws:ec2:eu-west-1:111111111111:instance/i-web names reason 1, but the reasons table has 1" },
    ]);
    const future = await fixturePackage(undefined, { snapshot: { body: { ...body, format: "psg-scope-snapshot/3" } } });
    const r = await verifyPackage(future.zip(), { pins: [future.kid] });
    expect(r.findings.filter((f) => !f.ok).map((f) => f.detail)).toEqual([expect.stringMatching(/unknown body format "psg-scope-snapshot\/3"/)]);
  });

  it("PASS with the right pin: exit 0, one ok line per check", async () => {
    const r = await verify(good, "--pin", pkg.kid);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^PASS/m);
    expect(failLines(r.stdout)).toEqual([]);
    expect(r.stdout).toMatch(/^ok/m);
  });

  it("without a pin it still checks, and warns that only the package's own keys were used", async () => {
    const r = await verify(good);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/pin/i);
  });

  it("a tampered artifact → FAIL, exit 1, naming the part", async () => {
    const files = new Map(pkg.files);
    const path = "artifacts/000001-scope_snapshot.json";
    files.set(path, enc.encode(new TextDecoder().decode(files.get(path)).replace('"scope":"cde"', '"scope":"out_of_scope"')));
    const r = await verify(await writeZip(files), "--pin", pkg.kid);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL: \d+ check/m);
    expect(failLines(r.stdout).join("\n")).toContain(path);
  });

  it("a swapped diagram → FAIL naming the SVG; a removed file → FAIL naming it", async () => {
    const files = new Map(pkg.files);
    const svg = [...files.keys()].find((p) => p.endsWith(".svg"))!;
    files.set(svg, enc.encode("<svg xmlns='http://www.w3.org/2000/svg'/>"));
    files.delete("inventory.csv");
    const r = await verify(await writeZip(files), "--pin", pkg.kid);
    expect(r.code).toBe(1);
    const fails = failLines(r.stdout).join("\n");
    expect(fails).toContain(svg);
    expect(fails).toContain("inventory.csv");
  });

  it("--pin with a key that did not sign → FAIL, exit 1; --jwks with the right keys → PASS", async () => {
    const other = await fixturePackage();
    const r = await verify(good, "--pin", other.kid);
    expect(r.code).toBe(1);
    expect(failLines(r.stdout).join("\n")).toMatch(/pinned key/);
    const jwks = good.replace(/package\.zip$/, "jwks.json");
    await writeFile(jwks, pkg.files.get("jwks.json")!);
    expect((await verify(good, "--jwks", jwks)).code).toBe(0);
  });

  it("a file that is not a zip → FAIL exit 1; a missing file → exit 2", async () => {
    const notZip = good.replace(/package\.zip$/, "not.zip");
    await writeFile(notZip, "hello");
    const r = await verify(notZip);
    expect(r.code).toBe(1);
    expect(failLines(r.stdout).join("\n")).toMatch(/zip/);
    expect((await verify(good.replace(/package\.zip$/, "missing.zip"))).code).toBe(2);
  });
});
