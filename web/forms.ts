// Forms: a browser posts flat fields named by their path in the API's request ("innehall.vald");
// each page builds the request from them and parses it with the API's own schema, so a rule is
// written once. A fault comes back at the field it belongs to, in the schema's Swedish words.
import type { ZodType } from 'zod';
import { ApiError, type FieldError } from '../api/errors';
import { describeIssues } from '../domain/zod';

export type FormValues = Record<string, string | string[] | undefined>;

export interface FormState {
  values: FormValues;
  errors: FieldError[];
}

export const emptyForm = (values: FormValues = {}): FormState => ({ values, errors: [] });

/** A single text value of a posted field ('' when absent). */
export const text = (values: FormValues, name: string): string => {
  const value = values[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
};

/** Every value of a repeated field (checkboxes). */
export const all = (values: FormValues, name: string): string[] => {
  const value = values[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
};

/** Absent when empty: the schema then says what is missing. */
export const optionalText = (values: FormValues, name: string) => text(values, name) || undefined;

/** "ja"/"nej" radios as booleans; undefined when not chosen (the schema says it is required). */
export const yesNo = (values: FormValues, name: string): boolean | undefined => {
  const value = text(values, name);
  return value === 'ja' ? true : value === 'nej' ? false : undefined;
};

/** A number field: NaN stays NaN so that the schema refuses it. */
export const numberOf = (values: FormValues, name: string): number | undefined => {
  const value = text(values, name);
  return value === '' ? undefined : Number(value);
};

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FieldError[] };

export function parseWith<T>(schema: ZodType<T>, input: unknown, prefix = ''): Parsed<T> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, errors: describeIssues(result.error).map((e) => ({ field: prefix + e.field, message: e.message })) };
}

/** A refusal from a service as form errors: at its fields, or for the form as a whole. */
export function errorsFrom(error: unknown, prefix = ''): FieldError[] | undefined {
  if (!(error instanceof ApiError) || error.statusCode >= 500 || error.statusCode === 401) return undefined;
  if (error.fields.length > 0) return error.fields.map((f) => ({ field: prefix + f.field, message: f.message }));
  return [{ field: '', message: error.message }];
}

export const errorAt = (state: FormState | undefined, name: string) => state?.errors.find((e) => e.field === name)?.message;
