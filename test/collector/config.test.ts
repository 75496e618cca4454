import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../collector/src/config.js";
import { createLogger } from "../../collector/src/log.js";

describe("configuration", () => {
  it("reads the environment, regions defaulting to AWS_REGION", () => {
    const c = loadConfig({ PSG_API_URL: "https://api.example.com", PSG_STATE_DIR: "/tmp/x", AWS_REGION: "eu-central-1", PSG_FLOWLOG_PATHS: "/a, /b ,," });
    expect(c).toMatchObject({ apiUrl: "https://api.example.com", stateDir: "/tmp/x", awsRegions: ["eu-central-1"], flowLogPaths: ["/a", "/b"], intervalSeconds: 300 });
  });

  it("flags win over the environment", () => {
    const c = loadConfig({ PSG_AWS_REGIONS: "us-east-1", PSG_INTERVAL_SECONDS: "60" }, { regions: "eu-west-1,eu-west-1,us-west-2", interval: "30", stateDir: "/s" });
    expect(c.awsRegions).toEqual(["eu-west-1", "us-west-2"]);
    expect(c.intervalSeconds).toBe(30);
    expect(c.stateDir).toBe("/s");
  });

  it("names the variable that is wrong", () => {
    expect(() => loadConfig({ PSG_API_URL: "not a url" })).toThrow(ConfigError);
    expect(() => loadConfig({ PSG_API_URL: "not a url" })).toThrow(/PSG_API_URL/);
    expect(() => loadConfig({ PSG_AWS_REGIONS: "mars-1" })).toThrow(/awsRegions/);
    expect(() => loadConfig({ PSG_INTERVAL_SECONDS: "1" })).toThrow(/PSG_INTERVAL_SECONDS/);
    expect(() => loadConfig({ PSG_AWS_ACCOUNT_ID: "12" })).toThrow(/12-digit/);
  });
});

describe("multi-cloud configuration", () => {
  const sub = "11111111-1111-1111-1111-111111111111";
  it("discovers each cloud that has something configured, AWS as before", () => {
    expect(loadConfig({ AWS_REGION: "eu-west-1" }).providers).toEqual(["aws"]);
    expect(loadConfig({}).providers).toEqual([]);
    const c = loadConfig({ PSG_AZURE_SUBSCRIPTIONS: `${sub}, ${sub}`, PSG_GCP_PROJECTS: "psg-host,psg-service", PSG_AZURE_ARM_ENDPOINT: "https://management.usgovcloudapi.net", PSG_AZURE_AUTHORITY_HOST: "https://login.microsoftonline.us", PSG_GCP_API_ENDPOINT: "https://compute-psc.p.googleapis.com" });
    expect(c).toMatchObject({
      providers: ["azure", "gcp"],
      azureSubscriptions: [sub],
      gcpProjects: ["psg-host", "psg-service"],
      azureArmEndpoint: "https://management.usgovcloudapi.net",
      azureAuthorityHost: "https://login.microsoftonline.us",
      gcpApiEndpoint: "https://compute-psc.p.googleapis.com",
    });
  });

  it("PSG_PROVIDERS picks the clouds and says what each one lacks", () => {
    expect(loadConfig({ PSG_PROVIDERS: "gcp", PSG_GCP_PROJECTS: "psg-host", AWS_REGION: "eu-west-1" }).providers).toEqual(["gcp"]);
    expect(() => loadConfig({ PSG_PROVIDERS: "azure" })).toThrow(/PSG_AZURE_SUBSCRIPTIONS/);
    expect(() => loadConfig({ PSG_PROVIDERS: "gcp" })).toThrow(/PSG_GCP_PROJECTS/);
    expect(() => loadConfig({ PSG_PROVIDERS: "aws" })).toThrow(/PSG_AWS_REGIONS/);
    expect(() => loadConfig({ PSG_PROVIDERS: "oracle" })).toThrow(/providers/);
    expect(() => loadConfig({ PSG_AZURE_SUBSCRIPTIONS: "prod" })).toThrow(/subscription id/);
    expect(() => loadConfig({ PSG_AZURE_ARM_ENDPOINT: "nope" })).toThrow(/PSG_AZURE_ARM_ENDPOINT/);
    expect(() => loadConfig({ PSG_AWS_ROLE_ARNS: "arn:aws:iam::12:role/x" })).toThrow(/IAM role ARN/);
    expect(loadConfig({ AWS_REGION: "us-east-1", PSG_AWS_ROLE_ARNS: "arn:aws:iam::111122223333:role/psg-collector", PSG_AWS_EXTERNAL_ID: "ext-123" })).toMatchObject({
      awsRoleArns: ["arn:aws:iam::111122223333:role/psg-collector"],
      awsExternalId: "ext-123",
    });
  });
});

describe("logs", () => {
  it("writes one JSON object per line with level, msg and time, and throttles progress", () => {
    const lines: string[] = [];
    let now = 0;
    const log = createLogger({ write: (l) => lines.push(l), now: () => now, progressEveryMs: 1000, level: "info" });
    log.debug("hidden");
    log.info("hello", { n: 1 });
    log.progress("discovery", { items: 1 });
    log.progress("discovery", { items: 2 });
    now = 1500;
    log.progress("discovery", { items: 3 });
    log.error("bad", { error: new Error("boom") });
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed.map((p) => [p.level, p.msg])).toEqual([
      ["info", "hello"],
      ["info", "progress"],
      ["info", "progress"],
      ["error", "bad"],
    ]);
    expect(parsed[0]).toMatchObject({ time: "1970-01-01T00:00:00.000Z", n: 1 });
    expect(parsed[2].items).toBe(3);
    expect(parsed[3].error).toEqual({ name: "Error", message: "boom" });
  });
});
