import type { Context } from "hono";
import type { AppEnv } from "../../context.js";
import { evidenceCtx, type EvidenceCtx, type EvidenceEnv } from "../../services/evidence/ctx.js";

export const ev = (c: Context<AppEnv>): EvidenceCtx => evidenceCtx(c.get("svc"), c.env as EvidenceEnv);
