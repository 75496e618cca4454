import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { loginRoute } from "./login.js";
import { signUpRoute } from "./signup.js";

export const authRoutes = new Hono<AppEnv>().route("/", signUpRoute).route("/", loginRoute);
