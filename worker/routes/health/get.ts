import { Hono } from "hono";
import type { AppEnv } from "../../context.js";

export const getHealth = new Hono<AppEnv>().get("/", (c) => c.json({ ok: true }));
