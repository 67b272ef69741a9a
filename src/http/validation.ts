import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema, Static } from '@sinclair/typebox';
import { isEdtf } from '../lib/edtf.ts';
import { InvalidInputError } from '../lib/errors.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function isLanguageTag(text: string): boolean {
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(text)) return false;
  try {
    return Intl.getCanonicalLocales(text).length === 1;
  } catch {
    return false;
  }
}

function makeAjv(coerceTypes: boolean): Ajv {
  // Bodies are checked strictly (a string is not a number, unknown fields are errors);
  // query strings and path parameters are text by nature, so they are coerced.
  const ajv = new Ajv({ allErrors: true, coerceTypes, removeAdditional: false, useDefaults: false, strict: false });
  addFormats(ajv);
  ajv.addFormat('edtf', { type: 'string', validate: isEdtf });
  ajv.addFormat('bcp47', { type: 'string', validate: isLanguageTag });
  return ajv;
}

export const strictAjv = makeAjv(false);
export const coercingAjv = makeAjv(true);

/** `/names/0/script` → `names.0.script`; missing and unknown properties name themselves. */
export function fieldOf(error: ErrorObject): string {
  const base = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const extra =
    error.keyword === 'required'
      ? (error.params as { missingProperty: string }).missingProperty
      : error.keyword === 'additionalProperties'
        ? (error.params as { additionalProperty: string }).additionalProperty
        : '';
  return [base, extra].filter(Boolean).join('.') || 'body';
}

export function describeError(error: ErrorObject): string {
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known field';
    case 'format':
      if (error.params.format === 'edtf') return 'is not an EDTF date (e.g. 2021, 2021-02-19, 2021-02~, 2021-01/2021-03)';
      if (error.params.format === 'bcp47') return 'is not a BCP 47 language tag (e.g. kk, ug, zh, ru, en)';
      return `must be a valid ${error.params.format}`;
    case 'enum':
      return `must be one of: ${(error.params.allowedValues as unknown[]).join(', ')}`;
    case 'pattern':
      return 'contains characters that are not allowed here';
    default:
      return error.message ?? 'is invalid';
  }
}

/** One message per field, first error wins; anyOf/oneOf noise is folded into its branch errors. */
export function fieldErrors(errors: ErrorObject[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const error of errors) {
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf' || error.keyword === 'if') continue;
    const field = fieldOf(error);
    fields[field] ??= describeError(error);
  }
  return fields;
}

export function invalidInput(errors: ErrorObject[]): InvalidInputError {
  const fields = fieldErrors(errors);
  const summary = Object.entries(fields)
    .slice(0, 5)
    .map(([field, message]) => `${field} ${message}`)
    .join('; ');
  return new InvalidInputError(summary || 'invalid input', fields);
}

const compiled = new WeakMap<TSchema, ValidateFunction>();

/** Checks a value against a schema outside a route (web forms, CLI, import) with the same rules. */
export function validate<S extends TSchema>(schema: S, value: unknown): Static<S> {
  let check = compiled.get(schema);
  if (!check) {
    check = strictAjv.compile(schema);
    compiled.set(schema, check);
  }
  if (!check(value)) throw invalidInput(check.errors ?? []);
  return value as Static<S>;
}
