import * as ec2 from "@aws-sdk/client-ec2";
import { NormalizedSchema } from "@smithy/core/schema";

/**
 * Serializes an SDK output object (e.g. a DescribeVpcsResult) to EC2's XML by walking the
 * SDK's own schema for it: every element name is the `xmlName` the SDK's deserializer
 * reads, so what the real SDK parses back is exactly what the model held.
 */
export const EC2_XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/";

export function resultSchema(action: string): NormalizedSchema {
  const schema = (ec2 as unknown as Record<string, unknown>)[`${action}Result$`];
  if (!schema) throw new Error(`no SDK schema for ${action}Result`);
  return NormalizedSchema.of(schema as Parameters<typeof NormalizedSchema.of>[0]);
}

export function responseXml(action: string, requestId: string, output: Record<string, unknown>): string {
  const parts: string[] = [`<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_XMLNS}">`, `<requestId>${requestId}</requestId>`];
  writeStruct(resultSchema(action), output, parts);
  parts.push(`</${action}Response>`);
  return parts.join("");
}

export function errorXml(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
}

function writeStruct(schema: NormalizedSchema, value: Record<string, unknown>, out: string[]): void {
  for (const [member, memberSchema] of schema.structIterator()) {
    const v = value[member];
    if (v === undefined || v === null) continue;
    writeValue(memberSchema.getMergedTraits().xmlName ?? lowerFirst(member), memberSchema, v, out);
  }
}

function writeValue(name: string, schema: NormalizedSchema, value: unknown, out: string[]): void {
  if (schema.isListSchema()) {
    const item = schema.getValueSchema();
    out.push(`<${name}>`);
    for (const x of value as unknown[]) writeValue(item.getMergedTraits().xmlName ?? "item", item, x, out);
    out.push(`</${name}>`);
  } else if (schema.isStructSchema()) {
    out.push(`<${name}>`);
    writeStruct(schema, value as Record<string, unknown>, out);
    out.push(`</${name}>`);
  } else if (schema.isMapSchema()) {
    // EC2 outputs have no maps worth modelling here.
  } else if (schema.isTimestampSchema()) {
    out.push(`<${name}>${new Date(value as string | number | Date).toISOString()}</${name}>`);
  } else if (schema.isBlobSchema()) {
    out.push(`<${name}>${Buffer.from(value as Uint8Array).toString("base64")}</${name}>`);
  } else {
    out.push(`<${name}>${escapeXml(String(value))}</${name}>`);
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}
