import { z } from "zod";
import type { Scope } from "../scope/types.js";

export const SCOPES = ["cde", "security_impacting", "connected", "out_of_scope"] as const satisfies readonly Scope[];
export const ScopeParam = z.enum(SCOPES);

export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 100;

/** `?limit=` as text → 1..500, default 100. */
export const LimitParam = z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE);
export const CursorParam = z.string().min(1).max(4096).optional();
