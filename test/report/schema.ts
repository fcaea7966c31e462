// The report schema, compiled once with ajv (JSON Schema 2020-12, strict mode). strictRequired is
// off because the schema's status-dependent if/then branches name properties declared one level up.
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";

const schema = JSON.parse(readFileSync(new URL("../../spec/report.schema.json", import.meta.url), "utf8")) as object;

export const validateReport = new Ajv2020({ strict: true, strictRequired: false, allErrors: true }).compile(schema);

export function schemaErrors(value: unknown): string {
  return validateReport(value) ? "" : JSON.stringify(validateReport.errors, null, 2);
}
