import { describe, expect, it } from "vitest";
import { load as inventory } from "../../../web/src/routes/(app)/inventory/+page.server.js";
import { seededTenant } from "../../worker/fixtures.js";
import { call } from "../../worker/helpers.js";
import { classifiedTenant, platform } from "./platform.js";

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("inventory sort and search in the URL", () => {
  it("sorts by name unless the URL says otherwise; sort, dir, search and filters reach the API; an unknown sort falls back to name", async () => {
    const t = await classifiedTenant(seededTenant(), call);
    const at = (url: string): Any => ({ platform, url: new URL(url), request: new Request(url), params: {}, locals: { sessionToken: t.admin, me: { tenant: { name: "Seeded" } } } });
    const names = (d: Any) => d.page.items.map((r: Any) => r.name);

    const byName: Any = await inventory(at("http://web.test/inventory"));
    expect(byName).toMatchObject({ sort: "name", dir: "asc" });
    expect(names(byName)).toEqual(["cards", "other-account-box", "payments-api", "sg-pay", "web-frontend"]);

    const kindDesc: Any = await inventory(at("http://web.test/inventory?sort=kind&dir=desc"));
    expect(kindDesc.page.items.map((r: Any) => r.kind)).toEqual(["security_group", "instance", "instance", "instance", "database"]);

    const scoped: Any = await inventory(at("http://web.test/inventory?sort=scope&q=pay&limit=50"));
    expect(scoped.page.items[0].scope).toBe("cde");
    expect(names(scoped).sort()).toEqual(["payments-api", "sg-pay"]);

    const paged: Any = await inventory(at("http://web.test/inventory?sort=name&dir=desc&limit=50"));
    expect(names(paged)[0]).toBe("web-frontend");

    expect(((await inventory(at("http://web.test/inventory?sort=bogus&dir=sideways"))) as Any)).toMatchObject({ sort: "name", dir: "asc" });
  });
});
