// @ts-check
// The format of the new-export form and its options, built from the format's option list (GET /export/formats):
// each option's type, default, choices, bounds and whether every format takes it: the server's format descriptors
// are the one place that knows them.
import { h, clear } from '../dom.js';

/** @typedef {import('../types.js').Format} Format */
/** @typedef {import('../types.js').FormatOption} FormatOption */
/** @typedef {import('../types.js').OptionType} OptionType */
/** An option's control: a checkbox, a number or text input, or a select. @typedef {HTMLInputElement|HTMLSelectElement} OptionControl */

/** Options of one format that few people change: under "More format options" with the common ones. */
const RARELY_CHANGED = ['sanitize_formulas', 'row_group_size'];
/** Text whose blanks are part of the value. */
const KEEP_BLANKS = ['delimiter', 'null_text'];
/** @type {Record<string, string>} */
const OPTION_LABELS = {
  delimiter: 'Delimiter', header: 'Header row', bom: 'Byte order mark', line_ending: 'Line ending', sheet_name: 'Sheet name',
  compression: 'Compression', orientation: 'Orientation', page_size: 'Page size', title: 'Title', font_size: 'Font size',
  time_zone: 'Time zone', null_text: 'NULL as', date_format: 'Date format', timestamp_format: 'Timestamp format',
  number_locale: 'Number locale', bool_text: 'Booleans as', sanitize_formulas: 'Defuse formulas', row_group_size: 'Row group bytes',
};
/** An example for text options that have no default to show. @type {Record<string, string>} */
const EXAMPLES = { bool_text: 'yes, no' };

/**
 * @param {FormatOption} o
 * @returns {OptionType}
 */
function optionType(o) {
  return o.type;
}

/** The choices of a "choice" option; '' (automatic) first when it has no default. @param {FormatOption} o */
function choicesOf(o) {
  const choices = o.choices || [];
  return o.default === null || o.default === undefined ? ['', ...choices] : choices;
}

/** @param {FormatOption} o */
function isCommon(o) {
  return o.common;
}

/** A default as text; '' for none. @param {unknown} value */
function defaultText(value) {
  return value === null || value === undefined ? '' : String(value);
}

/** A default as a placeholder shows it: "tab" for a tab, lists joined. @param {unknown} value */
function shownDefault(value) {
  if (value === '\t') return 'tab';
  return Array.isArray(value) ? value.join(', ') : defaultText(value);
}

/**
 * The control for an option, showing what was kept from another format or else the default.
 * @param {FormatOption} o
 * @param {string|boolean|undefined} kept
 * @returns {OptionControl}
 */
function optionControl(o, kept) {
  const id = `nx-opt-${o.name}`;
  const def = o.default;
  switch (optionType(o)) {
    case 'choice': {
      const select = h('select', { id }, choicesOf(o).map(v => h('option', { value: v }, v || 'automatic')));
      select.value = kept !== undefined ? String(kept) : defaultText(def);
      return select;
    }
    case 'boolean':
      return h('input', { id, type: 'checkbox', checked: kept !== undefined ? !!kept : def === true });
    case 'number':
    case 'size':
      return h('input', { id, type: 'number', placeholder: shownDefault(def), value: kept !== undefined ? kept : '',
        min: o.min === undefined ? null : String(o.min), max: o.max === undefined ? null : String(o.max) });
    default:
      return h('input', { id, type: 'text', placeholder: shownDefault(def) || EXAMPLES[o.name] || '',
        value: kept !== undefined ? kept : '' });
  }
}

/**
 * What an option's control asks for, or undefined when it is left empty or at its default.
 * @param {FormatOption} o
 * @param {OptionControl} control
 * @returns {unknown}
 */
function requestedValue(o, control) {
  const def = o.default;
  const type = optionType(o);
  if (control instanceof HTMLInputElement && control.type === 'checkbox') {
    return control.checked !== (def === true) ? control.checked : undefined;
  }
  if (type === 'number' || type === 'size') {
    return control.value !== '' && Number(control.value) !== def ? Number(control.value) : undefined;
  }
  if (type === 'choice') return control.value !== '' && control.value !== defaultText(def) ? control.value : undefined;
  if (control.value.trim() === '') return undefined;
  if (type === 'string_list') return control.value.split(',').map(s => s.trim());
  const v = KEEP_BLANKS.includes(o.name) ? control.value : control.value.trim();
  return v !== def ? v : undefined;
}

/** Formats a browser draws from a series, not written from rows. */
const PICTURES = new Set(['png', 'pdf_visual']);

/**
 * The format select, gzip, and the chosen format's options: the usual ones first, checkboxes apart, the rest
 * under "More format options".
 * @param {Format[]} formats
 * @param {() => void} changed called when the request changes
 */
export function formatSection(formats, changed) {
  const select = h('select#nx-format', { 'data-field': 'format' }, formats.map(f => h('option', { value: f.id }, f.id.toUpperCase())));
  const compress = h('input#nx-compress', { type: 'checkbox', 'data-field': 'compress' });
  const compressLabel = h('label.check', compress, ' gzip');
  const usual = h('div#nx-options.options-grid');
  const checks = h('div.options-checks');
  const more = h('div.options-grid');
  const moreDetails = h('details.more-options', h('summary', 'More format options'), more);
  const element = h('fieldset.field', h('legend', 'Format'),
    h('div.inline-field', select, compressLabel),
    h('p.field-error'),
    usual, checks, moreDetails);
  /** What was set, by option name, so that switching CSV → TSV → CSV loses nothing. @type {Record<string, string|boolean>} */
  const kept = {};
  /** @type {Array<{ option: FormatOption, control: OptionControl }>} */
  let shown = [];
  select.value = formats.some(f => f.id === 'csv') ? 'csv' : (formats[0] && formats[0].id);
  select.addEventListener('change', render);

  const chosen = () => formats.find(f => f.id === select.value) || formats[0];

  function keepValues() {
    for (const { option, control } of shown) {
      kept[option.name] = control instanceof HTMLInputElement && control.type === 'checkbox' ? control.checked : control.value;
    }
  }

  function render() {
    keepValues();
    clear(usual);
    clear(checks);
    clear(more);
    shown = [];
    const f = chosen();
    compressLabel.hidden = !f.compressible;
    if (!f.compressible) compress.checked = false;
    for (const o of f.options) {
      if (optionType(o) === 'labels') continue;
      const control = optionControl(o, kept[o.name]);
      control.dataset.option = o.name;
      control.dataset.field = `options.${o.name}`;
      if (o.description) control.title = o.description;
      shown.push({ option: o, control });
      placeField(o, control);
    }
    moreDetails.hidden = !more.children.length;
    changed();
  }

  /** @param {FormatOption} o @param {OptionControl} control */
  function placeField(o, control) {
    const label = OPTION_LABELS[o.name] || o.name;
    const checkbox = control.type === 'checkbox';
    const field = checkbox
      ? h('div.field.opt-check', h('label.check', { for: control.id }, control, ` ${label}`), h('p.field-error'))
      : h('div.field.opt', h('label', { for: control.id }, label), control, h('p.field-error'));
    const underMore = isCommon(o) || RARELY_CHANGED.includes(o.name);
    (underMore ? more : (checkbox ? checks : usual)).append(field);
  }

  /** The options set to other than their defaults. */
  function requestOptions() {
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const { option, control } of shown) {
      const value = requestedValue(option, control);
      if (value !== undefined) out[option.name] = value;
    }
    return out;
  }

  /**
   * Pictures (png, pdf_visual) draw a series: offered in Series mode only, and a picture chosen there gives way to
   * CSV when the dialog goes back to rows.
   * @param {boolean} seriesMode
   */
  function offerPictures(seriesMode) {
    for (const option of Array.from(select.options)) {
      const picture = PICTURES.has(option.value);
      option.hidden = picture && !seriesMode;
      option.disabled = picture && !seriesMode;
    }
    if (!seriesMode && PICTURES.has(select.value)) {
      select.value = formats.some(f => f.id === 'csv') ? 'csv' : select.value;
      render();
    }
  }

  return {
    element, render, requestOptions, offerPictures,
    requestFormat: () => select.value,
    requestCompress: () => compress.checked,
  };
}
