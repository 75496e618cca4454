import { zipSync, type Zippable } from "fflate";

/** Stores files in a zip (deflate, level 6; already-compressed-looking files too — zip is small). */
export function zipFiles(files: Map<string, Uint8Array>, mtime: Date): Uint8Array {
  const z: Zippable = {};
  for (const [path, bytes] of files) z[path] = [bytes, { level: 6, mtime }];
  return zipSync(z);
}
