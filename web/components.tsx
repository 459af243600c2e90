// The building blocks every page uses, after the GOV.UK Design System's patterns: an error
// summary at the top and the message at the field, summary lists, tags that say their state in
// words (never by colour alone), notification banners, and pagination.
import { randomUUID } from 'node:crypto';
import type { ComponentChildren } from 'preact';
import type { FieldError } from '../api/errors';
import { errorAt, text, type FormState } from './forms';
import { formKeyField } from './form-once';

/** The id a field's input has: the summary's links and the field's messages point to it. */
export const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-') || 'formular'}`;

export function ErrorSummary({ errors }: { errors: FieldError[] }) {
  if (errors.length === 0) return null;
  return (
    // Focus moves to the summary when the page comes back with errors, as GOV.UK does.
    <div class="felsammanfattning" role="alert" tabindex={-1} autofocus aria-labelledby="felsammanfattning-rubrik">
      <h2 id="felsammanfattning-rubrik">Det gick inte att spara</h2>
      <ul>
        {errors.map((error) => (
          <li>{error.field ? <a href={`#${fieldId(error.field)}`}>{error.message}</a> : error.message}</li>
        ))}
      </ul>
    </div>
  );
}

function FieldError({ name, message }: { name: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p class="falt-fel" id={`${fieldId(name)}-fel`}>
      <span class="dold">Fel: </span>
      {message}
    </p>
  );
}

const describedBy = (name: string, hint: boolean, error: boolean) =>
  [hint ? `${fieldId(name)}-hjalp` : '', error ? `${fieldId(name)}-fel` : ''].filter(Boolean).join(' ') || undefined;

interface FieldProps {
  name: string;
  label: ComponentChildren;
  hint?: string;
  form?: FormState | undefined;
}

export function TextField({ name, label, hint, form, type = 'text', value, width, autocomplete }: FieldProps & { type?: 'text' | 'date' | 'datetime-local' | 'number' | 'email'; value?: string; width?: 'kort' | 'mellan'; autocomplete?: string }) {
  const error = errorAt(form, name);
  return (
    <div class={`falt${error ? ' falt--fel' : ''}`}>
      <label for={fieldId(name)}>{label}</label>
      {hint && <p class="hjalp" id={`${fieldId(name)}-hjalp`}>{hint}</p>}
      <FieldError name={name} message={error} />
      <input
        id={fieldId(name)}
        name={name}
        // preact types each input type apart; the props here fit every one of these
        type={type as 'text'}
        class={width ? `bredd-${width}` : undefined}
        value={form ? text(form.values, name) : (value ?? '')}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(name, Boolean(hint), Boolean(error))}
        autocomplete={autocomplete ?? 'off'}
      />
    </div>
  );
}

export function TextArea({ name, label, hint, form, rows = 3 }: FieldProps & { rows?: number }) {
  const error = errorAt(form, name);
  return (
    <div class={`falt${error ? ' falt--fel' : ''}`}>
      <label for={fieldId(name)}>{label}</label>
      {hint && <p class="hjalp" id={`${fieldId(name)}-hjalp`}>{hint}</p>}
      <FieldError name={name} message={error} />
      <textarea id={fieldId(name)} name={name} rows={rows} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(name, Boolean(hint), Boolean(error))}>
        {form ? text(form.values, name) : ''}
      </textarea>
    </div>
  );
}

export interface Choice {
  value: string;
  label: string;
  hint?: string;
}

/** Radios in a fieldset: the legend is the question. */
export function Radios({ name, legend, hint, form, choices, value, inline }: { name: string; legend: ComponentChildren; hint?: string; form?: FormState | undefined; choices: Choice[]; value?: string; inline?: boolean }) {
  const error = errorAt(form, name);
  const chosen = form ? text(form.values, name) : value;
  return (
    <div class={`falt${error ? ' falt--fel' : ''}`}>
      <fieldset aria-describedby={describedBy(name, Boolean(hint), Boolean(error))}>
        <legend>{legend}</legend>
        {hint && <p class="hjalp" id={`${fieldId(name)}-hjalp`}>{hint}</p>}
        <FieldError name={name} message={error} />
        <div class={inline ? 'val val--rad' : 'val'}>
          {choices.map((choice, index) => {
            const id = index === 0 ? fieldId(name) : `${fieldId(name)}-${index}`;
            return (
              <div class="val-rad">
                <input type="radio" id={id} name={name} value={choice.value} checked={chosen === choice.value} />
                <label for={id}>
                  {choice.label}
                  {choice.hint && <span class="hjalp"> {choice.hint}</span>}
                </label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

export function Select({ name, label, hint, form, choices, value }: FieldProps & { choices: Choice[]; value?: string }) {
  const error = errorAt(form, name);
  const chosen = form ? text(form.values, name) : value;
  return (
    <div class={`falt${error ? ' falt--fel' : ''}`}>
      <label for={fieldId(name)}>{label}</label>
      {hint && <p class="hjalp" id={`${fieldId(name)}-hjalp`}>{hint}</p>}
      <FieldError name={name} message={error} />
      <select id={fieldId(name)} name={name} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(name, Boolean(hint), Boolean(error))}>
        {choices.map((choice) => (
          <option value={choice.value} selected={chosen === choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Checkboxes({ name, legend, hint, form, choices, values }: { name: string; legend: ComponentChildren; hint?: string; form?: FormState | undefined; choices: Choice[]; values?: string[] }) {
  const error = errorAt(form, name);
  const posted = form?.values[name];
  const chosen = form ? (posted === undefined ? [] : Array.isArray(posted) ? posted : [posted]) : (values ?? []);
  return (
    <div class={`falt${error ? ' falt--fel' : ''}`}>
      <fieldset aria-describedby={describedBy(name, Boolean(hint), Boolean(error))}>
        <legend>{legend}</legend>
        {hint && <p class="hjalp" id={`${fieldId(name)}-hjalp`}>{hint}</p>}
        <FieldError name={name} message={error} />
        <div class="val">
          {choices.map((choice, index) => {
            const id = index === 0 ? fieldId(name) : `${fieldId(name)}-${index}`;
            return (
              <div class="val-rad">
                <input type="checkbox" id={id} name={name} value={choice.value} checked={chosen.includes(choice.value)} />
                <label for={id}>{choice.label}</label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

/** A form that posts to this server, with its CSRF token and a one-time key: sent twice, it is done once (form-once.ts). */
export function PostForm({ action, csrf, children, label, class: className }: { action: string; csrf: string; children: ComponentChildren; label?: string; class?: string }) {
  return (
    <form method="post" action={action} novalidate class={className} aria-label={label}>
      <input type="hidden" name="_csrf" value={csrf} />
      <input type="hidden" name={formKeyField} value={randomUUID()} />
      {children}
    </form>
  );
}

export function Button({ children, secondary, warning, name, value }: { children: ComponentChildren; secondary?: boolean; warning?: boolean; name?: string; value?: string }) {
  return (
    <button type="submit" class={`knapp${secondary ? ' knapp--sekundar' : ''}${warning ? ' knapp--varning' : ''}`} name={name} value={value}>
      {children}
    </button>
  );
}

export function SummaryList({ rows }: { rows: [ComponentChildren, ComponentChildren][] }) {
  return (
    <dl class="sammanfattning">
      {rows.map(([key, value]) => (
        <div class="sammanfattning-rad">
          <dt>{key}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export type Tone = 'gra' | 'bla' | 'gron' | 'gul' | 'rod';

/** A state in words with a colour as help: "Försenad", "Klar i tid". */
export function Tag({ tone, children }: { tone: Tone; children: ComponentChildren }) {
  return <strong class={`tagg tagg--${tone}`}>{children}</strong>;
}

export function Banner({ title, children, success }: { title: string; children?: ComponentChildren; success?: boolean }) {
  return (
    <div class={`banner${success ? ' banner--klart' : ''}`} role={success ? 'status' : 'region'} aria-labelledby="banner-rubrik">
      <h2 id="banner-rubrik" class="banner-rubrik">
        {title}
      </h2>
      {children && <div class="banner-text">{children}</div>}
    </div>
  );
}

/** "Nästa sida" with the server's cursor; the first page is the address without one. */
export function Pagination({ base, next, first }: { base: string; next?: string | undefined; first: boolean }) {
  if (!next && first) return null;
  const join = base.includes('?') ? '&' : '?';
  return (
    <nav class="sidor" aria-label="Sidor">
      {!first && <a href={base}>Första sidan</a>}
      {next && (
        <a href={`${base}${join}cursor=${encodeURIComponent(next)}`} rel="next">
          Nästa sida
        </a>
      )}
    </nav>
  );
}
