/**
 * A form generated from a JSON Schema (an approval's `decision_schema`): one labelled input per
 * property of an object schema — text, number, checkbox, select for `enum` — and a JSON text area
 * for anything else (nested objects, arrays, a schema that is not an object). The server checks the
 * data against the schema again; its `errors` are shown by the Problem view.
 */
import { html } from '/ui/vendor/preact-htm.js';

/** The fields a schema asks for: `[{name, kind, label, required, schema}]`; one JSON field when it is not a plain object schema. */
export function fieldsOf(schema) {
  if (schema === null || schema === undefined || schema === true) return [];
  const properties = schema && typeof schema === 'object' && schema.type === 'object' ? schema.properties : undefined;
  if (!properties || typeof properties !== 'object') return [{ name: '', kind: 'json', label: 'Decision data (JSON)', required: true, schema }];
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    kind: kindOf(property),
    label: (property && typeof property.title === 'string' && property.title) || name,
    required: required.has(name),
    schema: property ?? {},
  }));
}

function kindOf(property) {
  if (!property || typeof property !== 'object') return 'json';
  if (Array.isArray(property.enum) && property.enum.every((v) => typeof v === 'string' || typeof v === 'number')) return 'enum';
  if (property.type === 'string') return 'string';
  if (property.type === 'number' || property.type === 'integer') return 'number';
  if (property.type === 'boolean') return 'boolean';
  return 'json';
}

/** The labelled inputs of `fields`; `values[name]` holds what was typed, `onInput(name, value)` changes it. */
export function SchemaFields({ fields, values, onInput, idPrefix }) {
  if (fields.length === 0) return null;
  return html`<fieldset class="schema-fields">
    <legend>Decision data</legend>
    ${fields.map((field) => {
      const id = `${idPrefix}-f-${field.name || 'data'}`;
      const hintId = `${id}-hint`;
      const description = typeof field.schema.description === 'string' ? field.schema.description : undefined;
      const value = values[field.name];
      const common = { id, name: field.name || 'data', required: field.required, 'aria-describedby': description ? hintId : undefined };
      let input;
      if (field.kind === 'boolean') {
        input = html`<input type="checkbox" ...${common} checked=${value === true} onChange=${(e) => onInput(field.name, e.currentTarget.checked)} />`;
      } else if (field.kind === 'enum') {
        input = html`<select ...${common} value=${value ?? ''} onChange=${(e) => onInput(field.name, e.currentTarget.value)}>
          <option value="">${field.required ? 'Choose…' : '(none)'}</option>
          ${field.schema.enum.map((option) => html`<option value=${String(option)}>${String(option)}</option>`)}
        </select>`;
      } else if (field.kind === 'number') {
        input = html`<input type="number" inputmode="decimal" step=${field.schema.type === 'integer' ? '1' : 'any'} ...${common}
          value=${value ?? ''} onInput=${(e) => onInput(field.name, e.currentTarget.value)} />`;
      } else if (field.kind === 'string') {
        input = html`<input type="text" ...${common} value=${value ?? ''} onInput=${(e) => onInput(field.name, e.currentTarget.value)} />`;
      } else {
        input = html`<textarea rows="4" class="code" spellcheck="false" ...${common} value=${value ?? ''}
          onInput=${(e) => onInput(field.name, e.currentTarget.value)}></textarea>`;
      }
      return html`<div class=${field.kind === 'boolean' ? 'field field-check' : 'field'}>
        <label for=${id}>${field.label}${field.required ? html` <span class="required">(required)</span>` : ''}</label>
        ${input}
        ${description && html`<p class="hint" id=${hintId}>${description}</p>`}
      </div>`;
    })}
  </fieldset>`;
}

/**
 * The decision `data` from what was typed: `{data}` (undefined when nothing was asked or typed), or
 * `{error}` naming the field that is not a number or not JSON.
 */
export function collectData(fields, values) {
  if (fields.length === 0) return { data: undefined };
  if (fields.length === 1 && fields[0].name === '') {
    const text = (values[''] ?? '').trim();
    if (text === '') return { data: undefined };
    try {
      return { data: JSON.parse(text) };
    } catch {
      return { error: 'Decision data is not valid JSON' };
    }
  }
  const data = {};
  for (const field of fields) {
    const raw = values[field.name];
    if (field.kind === 'boolean') {
      if (raw !== undefined || field.required) data[field.name] = raw === true;
      continue;
    }
    if (raw === undefined || raw === '') continue;
    if (field.kind === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) return { error: `${field.label} must be a number` };
      data[field.name] = n;
    } else if (field.kind === 'enum') {
      const option = field.schema.enum.find((o) => String(o) === raw);
      data[field.name] = option ?? raw;
    } else if (field.kind === 'json') {
      try {
        data[field.name] = JSON.parse(raw);
      } catch {
        return { error: `${field.label} is not valid JSON` };
      }
    } else {
      data[field.name] = raw;
    }
  }
  return { data };
}
