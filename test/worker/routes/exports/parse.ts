/** RFC 4180 reader (quoted fields with "" escapes, CRLF or LF, line breaks inside quotes): the test's own, independent of the writer. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === ",") row.push(cell), (cell = "");
    else if (ch === "\r" && text[i + 1] === "\n") continue;
    else if (ch === "\n") row.push(cell), rows.push(row), (row = []), (cell = "");
    else cell += ch;
  }
  if (cell !== "" || row.length) row.push(cell), rows.push(row);
  return rows;
}

/**
 * A CEF reader after the spec: 7 pipe-separated header fields after `CEF:0` (`\|` and `\\`
 * escaped), then `key=value` pairs where a value runs to the space before the next unescaped
 * `key=`, with `\=`, `\\`, `\n`, `\r` unescaped.
 */
export function parseCef(line: string): { header: string[]; ext: Record<string, string> } {
  const header: string[] = [];
  let i = 0;
  let cur = "";
  while (header.length < 7) {
    const ch = line[i++];
    if (ch === undefined) throw new Error(`truncated CEF header: ${line}`);
    if (ch === "\\" && (line[i] === "|" || line[i] === "\\")) cur += line[i++];
    else if (ch === "|") header.push(cur), (cur = "");
    else cur += ch;
  }
  const rest = line.slice(i);
  const ext: Record<string, string> = {};
  // Positions of unescaped `key=` starts.
  const starts: { key: string; at: number; valueAt: number }[] = [];
  const re = /(?:^| )([A-Za-z0-9_]+)=/g;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    let backslashes = 0;
    for (let j = m.index - 1; j >= 0 && rest[j] === "\\"; j--) backslashes++;
    if (m.index > 0 && backslashes % 2 === 1) continue;
    starts.push({ key: m[1]!, at: m.index, valueAt: m.index + m[0].length });
  }
  starts.forEach((s, k) => {
    const end = k + 1 < starts.length ? starts[k + 1]!.at : rest.length;
    const raw = rest.slice(s.valueAt, end);
    ext[s.key] = raw.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c === "r" ? "\r" : c));
  });
  return { header, ext };
}
