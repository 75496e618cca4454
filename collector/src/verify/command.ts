import { readFile } from "node:fs/promises";
import { formatResult, verifyPackage } from "./package.js";

/** `collector verify <package.zip> [--pin <kid>...] [--jwks <file>]`: exit 0 on PASS, 1 on FAIL, 2 on bad input. */
export async function verifyCommand(path: string, opts: { pin?: string[]; jwks?: string; json?: boolean }): Promise<number> {
  let zip: Uint8Array;
  try {
    zip = new Uint8Array(await readFile(path));
  } catch (err) {
    process.stderr.write(`error: cannot read ${path}: ${(err as Error).message}\n`);
    return 2;
  }
  const pins = [...(opts.pin ?? [])];
  if (opts.jwks) {
    // A JWKS fetched out of band (e.g. /.well-known/jwks.json?tenant=…): pin every key in it.
    const keys = (JSON.parse(await readFile(opts.jwks, "utf8")) as { keys: { kid?: string }[] }).keys;
    pins.push(...keys.flatMap((k) => (k.kid ? [k.kid] : [])));
  }
  const result = await verifyPackage(zip, { pins });
  process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatResult(result));
  return result.ok ? 0 : 1;
}
