/**
 * Renders command forms (GOV.UK patterns): a label on every field, hints, the error message above the field it
 * concerns and an error summary that links to it, radios for yes/no and short choices, and the "check your
 * answers" summary with a change link. No script.
 */
import { html, type Html } from './html.js';
import type { Lang, Translate } from './i18n.js';
import { choiceLabel, fieldLabel } from './vocabulary.js';
import { showDate, type Field, type FieldError } from './forms.js';
import { fieldId } from './layout.js';

const RADIO_LIMIT = 5;

/** The message shown for a field error in the person's language. */
export function errorMessage(error: FieldError, t: Translate): string {
  switch (error.code) {
    case 'required':
      return t('required');
    case 'number':
      return t('notANumber');
    case 'date':
      return t('notADate');
    default:
      return error.detail ? `${t('invalidValue')}: ${error.detail}` : t('invalidValue');
  }
}

export interface FormState {
  values: Record<string, string>;
  errors: FieldError[];
}

export function renderFields(fields: Field[], state: FormState, lang: Lang, t: Translate): Html {
  return html`${fields.map((f) => renderField(f, state, lang, t))}`;
}

function renderField(field: Field, state: FormState, lang: Lang, t: Translate): Html {
  const id = fieldId(field.name);
  const label = fieldLabel(field.name, lang, field.description);
  const error = state.errors.find((e) => e.field === field.name);
  const value = state.values[field.name] ?? '';
  const optional = field.required ? '' : html` <span class="hint-inline">${t('optional')}</span>`;
  const errorHtml = error
    ? html`<span class="error-message" id="${id}-error">${errorMessage(error, t)}</span>`
    : '';
  const described = error ? html` aria-describedby="${id}-error"` : '';
  const invalid = error ? html` class="input-error" aria-invalid="true"` : '';
  const group = (inner: Html) =>
    html`<div class="form-group${error ? ' form-group-error' : ''}">${inner}</div>`;
  switch (field.kind) {
    case 'group':
      return html`<fieldset class="fieldset">
        <legend>${label}${optional}</legend>
        ${renderFields(field.fields, state, lang, t)}
      </fieldset>`;
    case 'rows':
      return html`<fieldset class="fieldset">
        <legend>${label}${optional}</legend>
        ${field.rows.map(
          (row, i) =>
            html`<fieldset class="row">
              <legend class="row-legend">${label} ${i + 1}</legend>
              ${renderFields(row, state, lang, t)}
            </fieldset>`,
        )}
      </fieldset>`;
    case 'boolean':
      return group(
        html`<fieldset class="radios" id="${id}" ${described}>
          <legend>${label}${optional}</legend>
          ${errorHtml}
          <input
            type="radio"
            id="${id}-yes"
            name="${field.name}"
            value="true"
            ${value === 'true' ? html` checked` : ''}
          />
          <label for="${id}-yes">${t('yes')}</label>
          <input
            type="radio"
            id="${id}-no"
            name="${field.name}"
            value="false"
            ${value === 'false' ? html` checked` : ''}
          />
          <label for="${id}-no">${t('no')}</label>
        </fieldset>`,
      );
    case 'choice':
      if (field.options.length <= RADIO_LIMIT && !field.criterion) {
        return group(
          html`<fieldset class="radios" id="${id}" ${described}>
            <legend>${label}${optional}</legend>
            ${errorHtml}${field.options.map(
              (o, i) =>
                html`<input
                    type="radio"
                    id="${id}-${i}"
                    name="${field.name}"
                    value="${o}"
                    ${value === o ? html` checked` : ''}
                  />
                  <label for="${id}-${i}">${choiceLabel(o, lang)}</label> `,
            )}
          </fieldset>`,
        );
      }
      return group(
        html`<label for="${id}">${label}${optional}</label>${errorHtml}<select
            id="${id}"
            name="${field.name}"
            ${described}${invalid}
          >
            <option value=""></option>
            ${field.options.map(
              (o) =>
                html`<option value="${o}" ${value === o ? html` selected` : ''}>
                  ${choiceLabel(o, lang)}
                </option>`,
            )}
          </select>`,
      );
    case 'longText':
    case 'lines':
      return group(
        html`<label for="${id}">${label}${optional}</label>${errorHtml}<textarea
            id="${id}"
            name="${field.name}"
            rows="4"
            ${described}${invalid}
          >
${value}</textarea>`,
      );
    case 'date':
      return group(textInput(html`<span class="hint" id="${id}-hint">${t('dateHint')}</span>`, 'numeric'));
    case 'number':
      return group(textInput('', 'decimal'));
    default:
      return group(textInput('', undefined));
  }

  /** A one-line text box (dates and numbers are typed as text: dd/mm/yyyy and 1.234,5 are not browser formats). */
  function textInput(hint: Html | '', inputmode: string | undefined): Html {
    const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
    return html`<label for="${id}">${label}${optional}</label>${hint}${errorHtml}<input
        type="text"
        id="${id}"
        name="${field.name}"
        value="${value}"
        ${inputmode ? html` inputmode="${inputmode}"` : ''}${field.kind === 'date' ? html` autocomplete="off"` : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}${invalid}
      />`;
  }
}

/** Hidden inputs carrying every typed value (the check page posts them on). */
export function hiddenValues(values: Record<string, string>): Html {
  return html`${Object.entries(values)
    .filter(([k, v]) => !k.startsWith('_') && v.trim() !== '')
    .map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`)}`;
}

/** The "check your answers" summary list: each typed value under its label. */
export function answersList(fields: Field[], values: Record<string, string>, lang: Lang, t: Translate): Html {
  const rows: Html[] = [];
  const walk = (list: Field[], prefix: string) => {
    for (const f of list) {
      const label = `${prefix}${fieldLabel(f.name, lang, f.description)}`;
      if (f.kind === 'group') walk(f.fields, `${label} › `);
      else if (f.kind === 'rows') f.rows.forEach((row, i) => walk(row, `${label} ${i + 1} › `));
      else {
        const v = (values[f.name] ?? '').trim();
        if (v === '') continue;
        const shown =
          f.kind === 'boolean'
            ? v === 'true'
              ? t('yes')
              : t('no')
            : f.kind === 'choice'
              ? choiceLabel(v, lang)
              : f.kind === 'date'
                ? showDate(v)
                : v;
        rows.push(
          html`<div>
            <dt>${label}</dt>
            <dd>${shown}</dd>
          </div>`,
        );
      }
    }
  };
  walk(fields, '');
  return html`<dl class="summary-list">${rows}</dl>`;
}
